using Google.Protobuf;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Tests.Directory;

public sealed class DirectoryStateMachineTests
{
    private static ClusterDirectory Directory(int groups)
    {
        var directory = new ClusterDirectory { Slots = 8 };
        for (int g = 0; g < groups; g++)
        {
            var placement = new GroupPlacement { Group = $"kv-{g}", Protocol = "raft" };
            for (int r = 1; r <= 3; r++)
            {
                placement.Replicas.Add(new ReplicaPlacement { Replica = (ulong)r, Silo = r });
            }

            directory.Groups.Add(placement);
        }

        directory.SlotGroups.AddRange(Enumerable.Range(0, 8).Select(s => (uint)(s % groups)));
        return directory;
    }

    private static byte[] Bootstrap(ClusterDirectory directory) => new DirectoryCommand { Bootstrap = directory }.ToByteArray();

    private static DirectoryResult Parse(byte[] bytes) => DirectoryResult.Parser.ParseFrom(bytes);

    [Fact]
    public void The_first_bootstrap_in_the_log_wins_and_later_ones_change_nothing()
    {
        // Proves silos racing to bootstrap agree: every replica keeps the directory of the first bootstrap entry and answers later ones with it.
        var machine = new DirectoryStateMachine();
        Assert.Null(Parse(machine.Query([])).Directory);
        Assert.Equal(4, Parse(machine.Apply(1, Bootstrap(Directory(4)))).Directory.Groups.Count);
        Assert.Equal(4, Parse(machine.Apply(2, Bootstrap(Directory(8)))).Directory.Groups.Count);
        Assert.Equal(4, Parse(machine.Query([])).Directory.Groups.Count);
    }

    [Fact]
    public void An_invalid_directory_or_garbage_is_answered_with_a_reason_and_changes_nothing()
    {
        // Proves committed bad entries never throw (every replica must agree) and never install a directory with a slot pointing nowhere or two replicas on one silo.
        var machine = new DirectoryStateMachine();
        ClusterDirectory badSlots = Directory(2);
        badSlots.SlotGroups[3] = 9;
        Assert.NotEmpty(Parse(machine.Apply(1, Bootstrap(badSlots))).Rejected);
        ClusterDirectory sameSilo = Directory(2);
        sameSilo.Groups[1].Replicas[2].Silo = 1;
        Assert.NotEmpty(Parse(machine.Apply(2, Bootstrap(sameSilo))).Rejected);
        Assert.NotEmpty(Parse(machine.Apply(3, [0xFF, 0xFF, 0xFF])).Rejected);
        Assert.Null(machine.Directory);
    }

    [Fact]
    public void A_snapshot_restores_the_same_directory()
    {
        // Proves the meta group's compaction keeps the directory.
        var machine = new DirectoryStateMachine();
        machine.Apply(1, Bootstrap(Directory(3)));
        var restored = new DirectoryStateMachine();
        restored.Restore(machine.Snapshot());
        Assert.Equal(machine.Directory, restored.Directory);
    }
}
