using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Pbft;

namespace Synod.Grains.Tests.Pbft;

public sealed class PbftClientTableTests
{
    [Fact]
    public void A_full_table_forgets_the_client_whose_last_request_executed_earliest()
    {
        // Proves the bound: with room for 3 clients, a 4th evicts the one with the lowest execution sequence (not the lowest id, not the oldest insertion), and a client that executes again becomes young.
        var table = new PbftClientTable(maxClients: 3);
        table.Record(client: 30, timestamp: 1, [1], sequence: 1);
        table.Record(client: 10, timestamp: 1, [2], sequence: 2);
        table.Record(client: 20, timestamp: 1, [3], sequence: 3);
        table.Record(client: 30, timestamp: 2, [4], sequence: 4);

        table.Record(client: 40, timestamp: 1, [5], sequence: 5);

        Assert.Null(table.Find(10));
        Assert.Equal([20UL, 30UL, 40UL], table.ExecutedTimestamps.Keys.Order());
        Assert.Equal(2UL, table.Find(30)!.Timestamp);
        Assert.Equal(1, table.Evicted);
    }

    [Fact]
    public void Replicas_that_load_the_same_checkpoint_and_execute_the_same_requests_keep_the_same_table()
    {
        // Proves eviction is deterministic across replicas: two tables loaded from one checkpoint (entries of an older format without sequences included) and fed the same executions write byte-identical checkpoint states.
        var checkpoint = new PbftCheckpointState();
        checkpoint.Clients.Add(new PbftClientEntry { Client = 5, Timestamp = 9, Result = Google.Protobuf.ByteString.CopyFrom([9]) });
        checkpoint.Clients.Add(new PbftClientEntry { Client = 7, Timestamp = 3, Result = Google.Protobuf.ByteString.CopyFrom([3]), Sequence = 8 });
        var a = new PbftClientTable(maxClients: 2);
        var b = new PbftClientTable(maxClients: 2);
        a.Load(checkpoint);
        b.Load(checkpoint);
        foreach (PbftClientTable table in new[] { a, b })
        {
            table.Record(client: 6, timestamp: 1, [1], sequence: 9);
        }

        var stateA = new PbftCheckpointState();
        var stateB = new PbftCheckpointState();
        a.WriteTo(stateA);
        b.WriteTo(stateB);
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(stateA), Google.Protobuf.MessageExtensions.ToByteArray(stateB));
        Assert.Null(a.Find(5));
        Assert.Equal(2, a.Count);
    }
}
