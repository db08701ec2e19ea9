using System.Diagnostics;
using Google.Protobuf;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Pbft;

/// <summary>
/// A PBFT client over grain references: MAC'd requests, every call sent to all replicas, a result
/// accepted once f+1 replicas sent matching replies whose MACs verify.
/// </summary>
internal sealed class PbftTestClient(ulong id, IReadOnlyList<IGrainReference> replicas)
{
    private readonly byte[] _sessionId = BitConverter.GetBytes(id);
    private ulong _timestamp;
    private ulong _sequence;

    /// <summary>Every verified reply of the last request, by replica.</summary>
    public Dictionary<uint, PbftReply> LastReplies { get; } = [];

    public Task<KvResult> RegisterAsync() => CommandAsync(new KvCommand { RegisterClient = new KvRegisterClient { ClientId = ByteString.CopyFrom(_sessionId) } });

    public Task<KvResult> PutAsync(string key, string value) => CommandAsync(new KvCommand
    {
        Put = new KvPut { Request = NextRequestId(), Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) },
    });

    public async Task<string?> GetAsync(string key)
    {
        KvResult result = await InvokeAsync(new PbftOperation { Query = ByteString.CopyFromUtf8(key) });
        return result.Status == KvResult.Types.Status.Ok ? result.Value.ToStringUtf8() : null;
    }

    private KvRequestId NextRequestId() => new() { ClientId = ByteString.CopyFrom(_sessionId), Sequence = ++_sequence };

    private Task<KvResult> CommandAsync(KvCommand command) => InvokeAsync(new PbftOperation { Command = command.ToByteString() });

    private async Task<KvResult> InvokeAsync(PbftOperation operation)
    {
        var request = ClientMac.Authenticate(new ClientRequest(id, ++_timestamp, operation.ToByteArray()), replicas.Count, r => PbftTestDirectory.ClientKey(id, r));
        var call = new PbftClientCall { Group = PbftTestDirectory.Group, Request = PbftWire.ToWire(request) };
        LastReplies.Clear();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            List<Task<PbftReply>> calls = [.. replicas.Select(r => r.InvokeAsync<PbftClientCall, PbftReply>(call))];
            await Task.WhenAny(Task.WhenAll(calls), Task.Delay(TimeSpan.FromSeconds(2)));
            foreach (Task<PbftReply> done in calls.Where(c => c.IsCompletedSuccessfully))
            {
                PbftReply reply = done.Result;
                if (reply.Status == PbftReply.Types.Status.Ok && reply.Timestamp == request.Timestamp
                    && PbftReplyMac.Verify(PbftTestDirectory.ClientKey(id, (int)reply.Replica), PbftTestDirectory.Group, reply))
                {
                    LastReplies[reply.Replica] = reply;
                }
            }

            if (LastReplies.Values.GroupBy(r => r.Result).FirstOrDefault(g => g.Count() >= 2) is { } matching)
            {
                return KvResult.Parser.ParseFrom(matching.First().Result);
            }
        }

        throw new TimeoutException($"no f+1 matching replies for client {id} timestamp {request.Timestamp}");
    }
}
