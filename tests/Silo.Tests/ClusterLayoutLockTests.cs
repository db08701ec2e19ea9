using Synod.Grains.Directory;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Grains.Locks;
using Synod.Silo.Hosting;

namespace Synod.Silo.Tests;

/// <summary>The lock group of a new cluster's layout, and which machine each group runs.</summary>
public sealed class ClusterLayoutLockTests
{
    private static readonly SiloRecord[] Silos = [.. Enumerable.Range(1, 3).Select(id => new SiloRecord { Id = id })];

    [Fact]
    public void A_new_cluster_has_one_lock_group_that_owns_no_slots_and_holds_every_lock_name()
    {
        // Proves the bootstrap directory adds lock-0 (machine lock) after the key-value groups, keys never map to it, and every lock name does.
        var layout = new ClusterLayout(ClusterLayout.Initial(4, Silos), Silos);
        Assert.Equal(["kv-0", "kv-1", "kv-2", "kv-3", "lock-0"], layout.Groups);
        Assert.Equal("lock", layout.Group("lock-0").Machine);
        Assert.Equal(["lock-0"], layout.LockGroups);
        Assert.DoesNotContain(layout.Directory.SlotGroups, owner => owner == 4);
        Assert.All(Enumerable.Range(0, 200), i => Assert.StartsWith("kv-", layout.GroupOf(ClusterLayout.KeyBytes($"key-{i}")), StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal("lock-0", layout.LockGroupOf(ClusterLayout.KeyBytes($"lock-{i}"))));
    }

    [Fact]
    public void Lock_names_spread_over_the_lock_groups_by_a_stable_hash()
    {
        // Proves names map to lock groups (in directory order) by FNV-1a modulo their count: the same name always to the same group, and every group gets names.
        ClusterDirectory directory = ClusterLayout.Initial(2, Silos);
        Assert.Null(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Machine = "lock", Replicas = 3, Count = 2 }, []));
        var layout = new ClusterLayout(directory, Silos);
        Assert.Equal(["lock-0", "lock-1", "lock-2"], layout.LockGroups);
        string[] chosen = [.. Enumerable.Range(0, 300).Select(i => layout.LockGroupOf(ClusterLayout.KeyBytes($"lock-{i}"))!)];
        Assert.Equal(layout.LockGroups.Order(), chosen.Distinct().Order());
        Assert.Equal(chosen, Enumerable.Range(0, 300).Select(i => new ClusterLayout(directory, Silos).LockGroupOf(ClusterLayout.KeyBytes($"lock-{i}"))!));

        // FNV-1a of "a" is 0xE40C292C; modulo 3 that is 1.
        Assert.Equal("lock-1", layout.LockGroupOf("a"u8));
    }

    [Fact]
    public void The_group_directory_runs_the_machine_the_directory_names()
    {
        // Proves a lock group gets the lock state machine, a key-value group the key-value one, and meta the directory's.
        var groups = new KeyValueGroupDirectory(new LayoutHolder(new ClusterLayout(ClusterLayout.Initial(2, Silos), Silos)));
        Assert.IsType<LockReplicatedStateMachine>(groups.CreateStateMachine("lock-0"));
        Assert.IsType<KvReplicatedStateMachine>(groups.CreateStateMachine("kv-1"));
        Assert.IsType<DirectoryStateMachine>(groups.CreateStateMachine(ClusterLayout.MetaGroup));
    }
}
