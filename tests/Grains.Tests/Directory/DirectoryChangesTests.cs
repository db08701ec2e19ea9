using Google.Protobuf;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Tests.Directory;

public sealed class DirectoryChangesTests
{
    private static ClusterDirectory Cluster(params (int Id, string Zone)[] silos)
    {
        var directory = new ClusterDirectory { Slots = 8, Version = 1 };
        foreach ((int id, string zone) in silos)
        {
            var record = new SiloRecord { Id = id, TransportEndpoint = $"127.0.0.1:{11110 + id}", HttpEndpoint = $"http://127.0.0.1:{8080 + id}" };
            if (zone.Length > 0)
            {
                record.Labels["zone"] = zone;
            }

            directory.Silos.Add(record);
        }

        return directory;
    }

    private static List<string> Create(ClusterDirectory directory, uint count, uint replicas = 3, string protocol = "raft", string requestId = "")
    {
        var created = new List<string>();
        Assert.Null(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = protocol, Replicas = replicas, Count = count, RequestId = requestId }, created));
        return created;
    }

    [Fact]
    public void Created_groups_get_distinct_silos_and_spread_the_load_evenly()
    {
        // Proves placement never puts two replicas of a group on one silo and keeps every silo within one replica of the others.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""), (4, ""), (5, ""));
        List<string> created = Create(directory, 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"kv-{i}"), created);
        Assert.All(directory.Groups, g => Assert.Equal(3, g.Replicas.Select(r => r.Silo).Distinct().Count()));
        Dictionary<int, int> load = PlacementPolicy.Loads(directory);
        Assert.Equal(6, load.Values.Max());
        Assert.Equal(6, load.Values.Min());
        Assert.Equal(2UL, directory.Version);
    }

    [Fact]
    public void Replicas_of_a_group_spread_over_as_many_zones_as_exist()
    {
        // Proves the failure-domain rule: with silos 1-4 in zone a and only silo 5 in zone b, every group still gets a replica in zone b, and with three zones every group spans all three.
        ClusterDirectory twoZones = Cluster((1, "a"), (2, "a"), (3, "a"), (4, "a"), (5, "b"));
        Create(twoZones, 6);
        Assert.All(twoZones.Groups, g => Assert.Contains(g.Replicas, r => r.Silo == 5));

        ClusterDirectory threeZones = Cluster((1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "c"), (6, "c"));
        Create(threeZones, 9);
        foreach (GroupPlacement group in threeZones.Groups)
        {
            Assert.Equal(3, group.Replicas.Select(r => threeZones.Silos.First(s => s.Id == r.Silo).Labels["zone"]).Distinct().Count());
        }
    }

    [Fact]
    public void A_retried_create_is_answered_with_the_groups_it_made_and_makes_no_more()
    {
        // Proves a create whose answer was lost can be retried through the log without doubling the groups.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""));
        List<string> first = Create(directory, 2, requestId: "r1");
        List<string> again = Create(directory, 2, requestId: "r1");
        Assert.Equal(first, again);
        Assert.Equal(2, directory.Groups.Count);
        Assert.Equal(["kv-2"], Create(directory, 1, requestId: "r2"));
    }

    [Fact]
    public void PBFT_groups_are_numbered_from_1_get_3f_plus_1_distinct_silos_and_never_move()
    {
        // Proves a directory-created PBFT group never takes the name pbft-0 (the configured group's), its 3f+1 replicas, ids 1..n, sit on distinct silos, and a move of one is refused (n and the keys are fixed at creation).
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""), (4, ""), (5, ""));
        Assert.Equal(["pbft-1", "pbft-2"], Create(directory, 2, replicas: 4, protocol: "pbft"));
        Assert.All(directory.Groups, g =>
        {
            Assert.Equal("pbft", g.Protocol);
            Assert.Equal([1UL, 2UL, 3UL, 4UL], g.Replicas.Select(r => r.Replica).Order());
            Assert.Equal(4, g.Replicas.Select(r => r.Silo).Distinct().Count());
        });
        Assert.Equal(["kv-0"], Create(directory, 1));

        ulong version = directory.Version;
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = "pbft-1", FromReplica = 1, ToSilo = 0 }));
        Assert.Equal(version, directory.Version);
        Assert.Equal(4, directory.Groups[0].Replicas.Count);
    }

    [Fact]
    public void Impossible_creates_are_refused_whole()
    {
        // Proves a create that does not fit changes nothing: too few non-draining silos, a bad shape, or a PBFT group that is not 3f+1.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""), (4, ""));
        directory.Silos[3].Draining = true;
        var created = new List<string>();
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Replicas = 5, Count = 1 }, created));
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Replicas = 4, Count = 1 }, created));
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "pbft", Replicas = 4, Count = 1 }, created));
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "pbft", Replicas = 5, Count = 1 }, created));
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "paxos", Replicas = 3, Count = 1 }, created));
        Assert.NotNull(DirectoryChanges.CreateGroups(directory, new CreateGroups { Protocol = "raft", Replicas = 3, Count = 0 }, created));
        Assert.Empty(created);
        Assert.Empty(directory.Groups);
        Assert.Equal(1UL, directory.Version);
    }

    [Fact]
    public void A_move_adds_a_joining_replica_then_completing_it_removes_the_old_one()
    {
        // Proves the directory side of a move: a new replica id (never reused) on the target silo, one move per group at a time, and the old replica gone after completion.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""), (4, ""));
        Create(directory, 1);
        GroupPlacement group = directory.Groups[0];
        ulong from = group.Replicas.First(r => r.Silo == 1).Replica;
        Assert.Null(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = from, ToSilo = 0 }));
        Assert.Null(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = from, ToSilo = 0 }));
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = group.Replicas[1].Replica }));
        ReplicaPlacement joined = Assert.Single(group.Replicas, r => r.Joined);
        Assert.Equal(4, joined.Silo);
        Assert.Equal(4UL, joined.Replica);
        Assert.Equal(4, group.Replicas.Count);

        Assert.Null(DirectoryChanges.CompleteMove(directory, new CompleteMove { Group = group.Group, FromReplica = from }));
        Assert.Empty(directory.Moves);
        Assert.DoesNotContain(group.Replicas, r => r.Replica == from);
        Assert.Equal([2, 3, 4], group.Replicas.Select(r => r.Silo).Order());
        Assert.NotNull(DirectoryChanges.CompleteMove(directory, new CompleteMove { Group = group.Group, FromReplica = from }));
    }

    [Fact]
    public void A_move_to_a_silo_that_already_hosts_the_group_or_drains_is_refused()
    {
        // Proves a move can never put two replicas of a group on one silo or fill a draining silo.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""), (4, ""));
        Create(directory, 1);
        directory.Silos[3].Draining = true;
        GroupPlacement group = directory.Groups[0];
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = 1, ToSilo = 2 }));
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = 1, ToSilo = 4 }));
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = group.Group, FromReplica = 1, ToSilo = 0 }));
        Assert.NotNull(DirectoryChanges.BeginMove(directory, new BeginMove { Group = "nope", FromReplica = 1 }));
        Assert.Empty(directory.Moves);
    }

    [Fact]
    public void Drains_come_first_then_balance_after_a_silo_joins()
    {
        // Proves the rebalancing rule: a new empty silo draws replicas until loads differ by at most one, and a draining silo is emptied before any balancing move.
        ClusterDirectory directory = Cluster((1, ""), (2, ""), (3, ""));
        Create(directory, 8);
        Assert.Null(RebalancePolicy.Next(directory, balance: true));
        Assert.Null(DirectoryChanges.AddSilo(directory, new AddSilo { Silo = new SiloRecord { Id = 4, TransportEndpoint = "127.0.0.1:1", HttpEndpoint = "http://127.0.0.1:2" } }));
        int moves = 0;
        while (RebalancePolicy.Next(directory, balance: true) is { } move)
        {
            Assert.Null(DirectoryChanges.BeginMove(directory, move));
            Assert.Null(DirectoryChanges.CompleteMove(directory, new CompleteMove { Group = move.Group, FromReplica = move.FromReplica }));
            Assert.True(++moves < 100);
        }

        Dictionary<int, int> load = PlacementPolicy.Loads(directory);
        Assert.Equal(6, moves);
        Assert.True(load.Values.Max() - load.Values.Min() <= 1, string.Join(",", load));

        Assert.Null(DirectoryChanges.SetSiloDraining(directory, new SetSiloDraining { Silo = 1, Draining = true }));
        BeginMove first = RebalancePolicy.Next(directory, balance: true)!;
        Assert.Equal(1, directory.Groups.First(g => g.Group == first.Group).Replicas.First(r => r.Replica == first.FromReplica).Silo);
        while (RebalancePolicy.Next(directory, balance: false) is { } move)
        {
            Assert.Null(DirectoryChanges.BeginMove(directory, move));
            Assert.Null(DirectoryChanges.CompleteMove(directory, new CompleteMove { Group = move.Group, FromReplica = move.FromReplica }));
        }

        Assert.DoesNotContain(directory.Groups.SelectMany(g => g.Replicas), r => r.Silo == 1);
    }

    [Fact]
    public void The_state_machine_applies_changes_only_after_bootstrap_and_every_replica_agrees()
    {
        // Proves changes go through the log deterministically: two machines fed the same entries hold byte-identical directories, and a change before bootstrap is refused.
        var a = new DirectoryStateMachine();
        var b = new DirectoryStateMachine();
        byte[] create = new DirectoryCommand { CreateGroups = new CreateGroups { Protocol = "raft", Replicas = 3, Count = 2 } }.ToByteArray();
        Assert.NotEmpty(DirectoryResult.Parser.ParseFrom(a.Apply(1, create)).Rejected);
        ClusterDirectory start = Cluster((1, "x"), (2, "y"), (3, "x"), (4, "y"));
        start.SlotGroups.AddRange(Enumerable.Repeat(0u, 8));
        start.Groups.Add(new GroupPlacement { Group = "kv-0", Protocol = "raft", Replicas = { new ReplicaPlacement { Replica = 1, Silo = 1 } } });
        byte[][] log =
        [
            new DirectoryCommand { Bootstrap = start }.ToByteArray(),
            create,
            new DirectoryCommand { BeginMove = new BeginMove { Group = "kv-1", FromReplica = 1 } }.ToByteArray(),
            new DirectoryCommand { SetSiloDraining = new SetSiloDraining { Silo = 2, Draining = true } }.ToByteArray(),
        ];
        for (int i = 0; i < log.Length; i++)
        {
            a.Apply((ulong)i + 2, log[i]);
            b.Apply((ulong)i + 2, log[i]);
        }

        Assert.Equal(a.Snapshot(), b.Snapshot());
        DirectoryResult result = DirectoryResult.Parser.ParseFrom(a.Query([]));
        Assert.Equal(3, result.Directory.Groups.Count);
        Assert.Single(result.Directory.Moves);
        Assert.Equal(4UL, result.Directory.Version);
    }
}
