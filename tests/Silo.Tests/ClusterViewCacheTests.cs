using System.Net;
using System.Text.Json;
using Synod.Grains.StatusBoard;
using Synod.Silo.Dashboard;

namespace Synod.Silo.Tests;

/// <summary>
/// The dashboard's incremental group views (<see cref="ClusterViewCache"/> fed by the
/// <see cref="ClusterCollector"/>'s changed groups) always equal a full rebuild from the replicas'
/// latest snapshots, through publications, removals, a peer going down and back and placements
/// changing — and rebuild nothing when nothing changed.
/// </summary>
public sealed class ClusterViewCacheTests
{
    private const int GroupCount = 12;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Incremental_views_equal_a_full_rebuild(int seed)
    {
        // Proves that whatever sequence of snapshot changes, replica removals, peer outages and
        // placement moves happens, the views the dashboard keeps between collections are exactly
        // those rebuilt from scratch from the latest snapshot of every replica that a live silo holds.
        var random = new Random(seed);
        var boards = new Dictionary<int, ReplicaStatusBoard> { [1] = new(), [2] = new() };
        bool peerUp = true;
        using var http = new HttpClient(new PeerHandler(() => peerUp ? boards[2] : null));
        var collector = new ClusterCollector(1, (events, second, version) => Report(1, boards[1], version), http);
        var cache = new ClusterViewCache();
        object source = new();
        int shift = 0;
        IReadOnlyList<PlacedGroup> Build() => [.. Enumerable.Range(0, GroupCount).Select(g => new PlacedGroup(
            $"kv-{g}", g % 4 == 3 ? "pbft" : "raft", [.. Enumerable.Range(0, g % 4 == 3 ? 4 : 3).Select(r => ((ulong)r, (r + g + shift) % 2 + 1))]))];

        for (int step = 0; step < 150; step++)
        {
            int action = random.Next(10);
            if (action == 0)
            {
                peerUp = !peerUp;
            }
            else if (action == 1)
            {
                // The layout changed: every replica moves to the other silo (old snapshots stay until removed).
                shift++;
                source = new();
            }
            else if (action == 2)
            {
                int silo = random.Next(1, 3);
                boards[silo].Remove(Key(random.Next(GroupCount), (ulong)random.Next(3)));
            }

            IReadOnlyList<PlacedGroup> placements = cache.Placements(source, Build);
            for (int n = random.Next(4); n > 0; n--)
            {
                PlacedGroup placement = placements[random.Next(placements.Count)];
                (ulong replica, int silo) = placement.Replicas[random.Next(placement.Replicas.Count)];
                boards[silo].Publish(Key(placement.Group, replica), Snapshot(placement, replica, random));
            }

            // A removal is learnt one collection late (the replica count differs, so the next poll asks
            // for every snapshot again); anything else shows in the collection that follows it.
            for (int poll = action == 2 ? 0 : 1; poll < 2; poll++)
            {
                IReadOnlyList<SiloPoll> polls = await collector.PollAsync([(1, "http://silo-1"), (2, "http://silo-2")], CancellationToken.None);
                Assert.Equal(peerUp, polls.Single(p => p.Silo == 2).Report is not null);
                IReadOnlyList<GroupView> incremental = cache.Groups(placements, collector.ChangedGroups, collector.Find);
                if (poll == 1)
                {
                    IReadOnlyList<GroupView> full = ClusterViewBuilder.Groups(placements, (group, replica, silo) => Truth(boards, peerUp, group, replica, silo));
                    Assert.Equal(Json(full), Json(incremental));
                }
            }
        }
    }

    [Fact]
    public async Task Nothing_is_rebuilt_while_nothing_changes()
    {
        // Proves the point of the cache: once every group has a view, a collection in which no replica
        // published rebuilds no group and returns the same list; one publication rebuilds one group.
        var board = new ReplicaStatusBoard();
        using var http = new HttpClient(new PeerHandler(() => null));
        var collector = new ClusterCollector(1, (events, second, version) => Report(1, board, version), http);
        var cache = new ClusterViewCache();
        object source = new();
        IReadOnlyList<PlacedGroup> placements = cache.Placements(source, () =>
            [.. Enumerable.Range(0, GroupCount).Select(g => new PlacedGroup($"kv-{g}", "raft", [(1UL, 1), (2UL, 1), (3UL, 1)]))]);
        var random = new Random(7);
        foreach (PlacedGroup placement in placements)
        {
            foreach ((ulong replica, int _) in placement.Replicas)
            {
                board.Publish(Key(placement.Group, replica), Snapshot(placement, replica, random));
            }
        }

        await collector.PollAsync([(1, "http://silo-1")], CancellationToken.None);
        IReadOnlyList<GroupView> first = cache.Groups(placements, collector.ChangedGroups, collector.Find);
        Assert.Equal(GroupCount, cache.LastRebuilt);

        await collector.PollAsync([(1, "http://silo-1")], CancellationToken.None);
        Assert.Same(first, cache.Groups(placements, collector.ChangedGroups, collector.Find));
        Assert.Equal(0, cache.LastRebuilt);
        Assert.Same(placements, cache.Placements(source, () => throw new InvalidOperationException("rebuilt")));

        board.Publish(Key("kv-5", 2), Snapshot(placements[5], 2, random));
        await collector.PollAsync([(1, "http://silo-1")], CancellationToken.None);
        IReadOnlyList<GroupView> third = cache.Groups(placements, collector.ChangedGroups, collector.Find);
        Assert.Equal(1, cache.LastRebuilt);
        Assert.NotSame(first[5], third[5]);
        Assert.Same(first[4], third[4]);
    }

    // What a from-scratch view sees: the placed silo's board if it is live, else the other live board.
    private static ReplicaStatusSnapshot? Truth(Dictionary<int, ReplicaStatusBoard> boards, bool peerUp, string group, ulong replica, int silo)
    {
        IEnumerable<int> live = peerUp ? [1, 2] : [1];
        foreach (int s in live.OrderBy(s => s == silo ? 0 : 1))
        {
            if (boards[s].Snapshots().FirstOrDefault(x => x.Group == group && x.Replica == replica) is { } snapshot)
            {
                return snapshot;
            }
        }

        return null;
    }

    private static LocalReport Report(int silo, ReplicaStatusBoard board, long afterVersion)
    {
        IReadOnlyList<ReplicaStatusSnapshot> replicas = board.SnapshotsAfter(afterVersion, out long version);
        return new LocalReport(silo, board.NowMs, 0, 0, 0, 1, false, replicas, version, board.Count, [], []);
    }

    private static string Key(int group, ulong replica) => Key($"kv-{group}", replica);

    private static string Key(string group, ulong replica) => $"{group}/{replica}";

    private static ReplicaStatusSnapshot Snapshot(PlacedGroup placement, ulong replica, Random random)
    {
        bool pbft = placement.Protocol == "pbft";
        string role = pbft ? (random.Next(4) == 0 ? "ViewChanging" : replica == 0 ? "Primary" : "Backup") : random.Next(3) == 0 ? "Leader" : "Follower";
        ulong index = (ulong)random.Next(0, 3000);
        return new ReplicaStatusSnapshot(
            placement.Group, replica, placement.Protocol, role, (ulong)random.Next(1, 4), 1, index, index, index + (ulong)random.Next(0, 3),
            (ulong)random.Next(0, 2000), placement.Replicas.Count, random.Next(2) == 0, false, "", random.Next(0, 5), 0);
    }

    private static string Json(IReadOnlyList<GroupView> groups) => JsonSerializer.Serialize(groups);

    // A peer silo's /dashboard/local, answered from its board, or refused while it is down.
    private sealed class PeerHandler(Func<ReplicaStatusBoard?> peer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (peer() is not { } board)
            {
                throw new HttpRequestException("connection refused");
            }

            System.Collections.Specialized.NameValueCollection query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            LocalReport report = Report(2, board, long.Parse(query["version"] ?? "0", System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(report, DashboardJsonContext.Default.LocalReport))
                {
                    Headers = { ContentType = new("application/json") },
                },
            });
        }
    }
}
