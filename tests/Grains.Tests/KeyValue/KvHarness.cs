using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.KeyValue;

namespace Synod.Grains.Tests.KeyValue;

/// <summary>A state machine fed consecutive log indexes, with commands spelled as strings.</summary>
internal sealed class KvHarness(KvStateMachineConfig? config = null)
{
    public KvStateMachine Machine { get; } = new(config ?? new KvStateMachineConfig());

    public ulong LastIndex { get; private set; }

    public static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    public static byte[] PutCommand(string client, ulong sequence, string key, string value, bool returnPrevious = false) =>
        KvCommands.Put(KvCommands.Request(Bytes(client), sequence), Bytes(key), Bytes(value), returnPrevious);

    public KvResult Apply(byte[] command)
    {
        LastIndex++;
        return Machine.Apply(new LogIndex(LastIndex), command);
    }

    public void Skip()
    {
        LastIndex++;
        Machine.MarkApplied(new LogIndex(LastIndex));
    }

    public KvResult Register(string client) => Apply(KvCommands.RegisterClient(Bytes(client)));

    public KvResult Put(string client, ulong sequence, string key, string value, bool returnPrevious = false) =>
        Apply(PutCommand(client, sequence, key, value, returnPrevious));

    public KvResult Delete(string client, ulong sequence, string key, bool returnPrevious = false) =>
        Apply(KvCommands.Delete(KvCommands.Request(Bytes(client), sequence), Bytes(key), returnPrevious));

    public KvResult CompareAndSet(string client, ulong sequence, string key, string? expected, string? replacement) =>
        Apply(KvCommands.CompareAndSet(
            KvCommands.Request(Bytes(client), sequence),
            Bytes(key),
            expected is null ? null : Bytes(expected),
            replacement is null ? null : Bytes(replacement)));

    public KvResult ExpireSessions(ulong idleBefore) => Apply(KvCommands.ExpireSessions(new LogIndex(idleBefore)));

    public KvResult Get(string key) => Machine.Get(Bytes(key));

    public string? ValueOf(string key)
    {
        var result = Get(key);
        return result.Status == KvStatus.Ok ? result.Value!.ToStringUtf8() : null;
    }

    public static void AssertSameState(KvStateMachine expected, KvStateMachine actual)
    {
        Assert.True(expected.SameStateAs(actual, out var difference), difference);
    }
}
