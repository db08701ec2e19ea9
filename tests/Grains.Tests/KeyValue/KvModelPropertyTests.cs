using FsCheck;
using FsCheck.Fluent;
using Synod.Consensus.Raft;
using Synod.Grains.KeyValue;
using static Synod.Grains.Tests.KeyValue.KvModel;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvModelPropertyTests
{
    private const int Clients = 5;

    private static readonly KvStateMachineConfig Config = new()
    {
        MaxKeyBytes = 8,
        MaxValueBytes = 16,
        MaxClientIdBytes = 8,
        MaxSessions = 3,
        MaxDataBytes = 100,
    };

    [Fact]
    public void Random_commands_with_retries_match_a_simple_model()
    {
        // Proves that for random commands, duplicate and stale retries, evictions, expiry and bad
        // entries, every result and the final state equal a dictionary-plus-last-sequence model,
        // and that the final state survives a snapshot round trip.
        Prop.ForAll(Arb.From(Steps(), Shrink), RunsLikeTheModel).QuickCheckThrowOnFailure();
    }

    private static bool RunsLikeTheModel(Step[] steps)
    {
        var machine = new KvStateMachine(Config);
        var model = new KvModel(Config);
        var clients = Enumerable.Range(0, Clients).Select(_ => new SimulatedClient()).ToArray();
        ulong index = 0;
        foreach (var step in steps)
        {
            index++;
            var command = ToCommand(step, clients, index);
            if (command is null)
            {
                machine.MarkApplied(new LogIndex(index));
                continue;
            }

            var expected = model.Apply(index, command);
            var actual = machine.Apply(new LogIndex(index), command.Encode(Config));
            Assert.True(expected == actual, "at index " + index + " " + command + ": model " + expected + ", machine " + actual);
            var sender = step switch { RequestStep r => r.Client, RetryStep r => r.Client, _ => -1 };
            if (sender >= 0 && command is ModelRequest request)
            {
                clients[sender].Heard(request, actual);
            }
        }

        AssertSameState(model, machine);
        var restored = KvStateMachine.Restore(machine.Snapshot());
        Assert.True(machine.SameStateAs(restored, out var difference), difference);
        Assert.Equal(machine.Snapshot(), restored.Snapshot());
        return true;
    }

    private static ModelCommand? ToCommand(Step step, SimulatedClient[] clients, ulong index) => step switch
    {
        RegisterStep register => clients[register.Client].Register(register.Client),
        RequestStep request => clients[request.Client].Send(request.Client, request.Op),
        RetryStep retry => clients[retry.Client].Resend(retry.Back),
        ExpireStep expire => new ModelExpire(index + 1 - Math.Min((ulong)expire.IdleFor, index + 1)),
        GarbageStep garbage => new ModelGarbage(garbage.Reason),
        _ => null,
    };

    private static void AssertSameState(KvModel model, KvStateMachine machine)
    {
        var entries = machine.Store.OrderedByKey().Select(pair => pair.Key.ToStringUtf8() + "=" + pair.Value.ToStringUtf8());
        Assert.Equal(model.Data.Select(pair => pair.Key + "=" + pair.Value), entries);
        var sessions = machine.Sessions.OrderedByClientId()
            .Select(s => (s.ClientId.ToStringUtf8(), s.LastSequence, s.LastResult, s.LastAppliedIndex.Value));
        Assert.Equal(model.Sessions.Select(pair => (pair.Key, pair.Value.LastSequence, pair.Value.Saved, pair.Value.LastAppliedIndex)), sessions);
    }

    private static Gen<Step[]> Steps()
    {
        var key = Gen.Frequency((12, Gen.Elements("k0", "k1", "k2", "k3")), (1, Gen.Elements("", "too-long-key")));
        var value = Gen.Elements("", "v0", "v1", "v2", new string('x', 16), new string('y', 17));
        var maybeValue = Gen.Frequency((1, Gen.Constant<string?>(null)), (3, value.Select(v => (string?)v)));
        var flag = Gen.Elements(false, true);
        var op = Gen.OneOf(
            from k in key from v in value from p in flag select new ModelOp(ModelOpKind.Put, k, v, null, p),
            from k in key from p in flag select new ModelOp(ModelOpKind.Delete, k, null, null, p),
            from k in key from e in maybeValue from r in maybeValue select new ModelOp(ModelOpKind.CompareAndSet, k, r, e, false));
        var client = Gen.Choose(0, Clients - 1);
        var back = Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 3)));
        var reasons = Gen.Elements(KvRejectReason.UnknownOperation, KvRejectReason.Undecodable, KvRejectReason.CommandTooLarge);
        var step = Gen.Frequency(
            (3, client.Select(c => (Step)new RegisterStep(c))),
            (12, from c in client from o in op select (Step)new RequestStep(c, o)),
            (5, from c in client from b in back select (Step)new RetryStep(c, b)),
            (1, Gen.Choose(0, 12).Select(i => (Step)new ExpireStep(i))),
            (1, reasons.Select(r => (Step)new GarbageStep(r))),
            (1, Gen.Constant<Step>(new SkipStep())));
        return Gen.Sized(size => Gen.Choose(0, size * 3).SelectMany(length => Gen.ArrayOf(step, length)));
    }

    /// <summary>Shrinks a failing run by dropping one step at a time; every subsequence is a valid run.</summary>
    private static IEnumerable<Step[]> Shrink(Step[] steps) =>
        Enumerable.Range(0, steps.Length).Select(skip => steps.Where((_, i) => i != skip).ToArray());

    /// <summary>A well-behaved client: registers a fresh id after SessionExpired and numbers requests from 1.</summary>
    private sealed class SimulatedClient
    {
        private readonly List<ModelRequest> _sent = [];
        private int _generation = -1;
        private bool _expired;

        public ModelRegister Register(int client)
        {
            if (_generation < 0 || _expired)
            {
                _generation++;
                _expired = false;
                _sent.Clear();
            }

            return new ModelRegister(Id(client));
        }

        public ModelRequest Send(int client, ModelOp op)
        {
            var request = new ModelRequest(Id(client), (ulong)_sent.Count + 1, op);
            _sent.Add(request);
            return request;
        }

        public ModelRequest? Resend(int back) => _sent.Count == 0 ? null : _sent[Math.Max(0, _sent.Count - 1 - back)];

        public void Heard(ModelRequest request, KvResult result) =>
            _expired |= result.Status == KvStatus.SessionExpired && request.ClientId == _sent.LastOrDefault()?.ClientId;

        private string Id(int client) => "c" + client + "." + Math.Max(_generation, 0);
    }

    /// <summary>One generated action of the property: what some client (or the host) does next.</summary>
    private abstract record Step;

    /// <summary>The client registers: a fresh id if it has none or was told SessionExpired, else its id again (a retried registration).</summary>
    private sealed record RegisterStep(int Client) : Step;

    private sealed record RequestStep(int Client, ModelOp Op) : Step;

    /// <summary>The client's request <c>Back</c> places before its latest is sent again: 0 is a duplicate, more is stale.</summary>
    private sealed record RetryStep(int Client, int Back) : Step;

    private sealed record ExpireStep(int IdleFor) : Step;

    private sealed record GarbageStep(KvRejectReason Reason) : Step;

    private sealed record SkipStep : Step;
}
