using Synod.Grains.StatusBoard;

namespace Synod.Silo.Dashboard;

/// <summary>
/// Keeps the dashboard's group views between collections and rebuilds only what changed: a group
/// whose placement changed or one of whose replicas sent a new snapshot. With a thousand quiet
/// groups a collection then rebuilds none of them, which is what keeps an open dashboard cheap
/// (issue 7: at most 2% of a core). Used by one collection at a time.
/// </summary>
internal sealed class ClusterViewCache
{
    private readonly Dictionary<string, (PlacedGroup Placement, GroupView View)> _views = new(StringComparer.Ordinal);
    private object? _placedFrom;
    private IReadOnlyList<PlacedGroup> _placements = [];
    private Dictionary<int, int> _replicasPerSilo = [];
    private GroupView[] _groups = [];

    /// <summary>Groups rebuilt by the last <see cref="Groups"/> call (for tests and the stats endpoint).</summary>
    public int LastRebuilt { get; private set; }

    /// <summary>Replicas placed on each silo, for the placements last returned by <see cref="Placements"/>.</summary>
    public IReadOnlyDictionary<int, int> ReplicasPerSilo => _replicasPerSilo;

    /// <summary>
    /// The placements, in natural group order; rebuilt by <paramref name="build"/> only when
    /// <paramref name="source"/> (the layout in force) is not the object they were built from.
    /// </summary>
    public IReadOnlyList<PlacedGroup> Placements(object source, Func<IReadOnlyList<PlacedGroup>> build)
    {
        if (!ReferenceEquals(source, _placedFrom))
        {
            _placements = [.. build().OrderBy(p => p.Group, GroupOrder.Natural)];
            _replicasPerSilo = ClusterViewBuilder.ReplicasPerSilo(_placements);
            _placedFrom = source;
        }

        return _placements;
    }

    /// <summary>
    /// Every group's view in the order of <paramref name="placements"/>. Only groups in
    /// <paramref name="changed"/> (all when it is null) or whose placement differs from last time are
    /// rebuilt from <paramref name="find"/>; the others keep their view. When nothing is rebuilt and
    /// the placements are the same list, the previous list itself is returned.
    /// </summary>
    public IReadOnlyList<GroupView> Groups(IReadOnlyList<PlacedGroup> placements, IReadOnlySet<string>? changed, Func<string, ulong, int, ReplicaStatusSnapshot?> find)
    {
        bool samePlacements = _views.Count == placements.Count;
        var views = new GroupView[placements.Count];
        int rebuilt = 0;
        for (int i = 0; i < placements.Count; i++)
        {
            PlacedGroup placement = placements[i];
            if (_views.TryGetValue(placement.Group, out (PlacedGroup Placement, GroupView View) held)
                && ReferenceEquals(held.Placement, placement)
                && changed is not null
                && !changed.Contains(placement.Group))
            {
                views[i] = held.View;
                continue;
            }

            samePlacements &= held.Placement is not null && ReferenceEquals(held.Placement, placement);
            views[i] = ClusterViewBuilder.Group(placement, find);
            _views[placement.Group] = (placement, views[i]);
            rebuilt++;
        }

        if (!samePlacements)
        {
            // A group left: forget it.
            var present = new HashSet<string>(placements.Select(p => p.Group), StringComparer.Ordinal);
            foreach (string gone in _views.Keys.Where(g => !present.Contains(g)).ToList())
            {
                _views.Remove(gone);
            }
        }

        LastRebuilt = rebuilt;
        if (rebuilt == 0 && samePlacements && _groups.Length == views.Length)
        {
            return _groups;
        }

        return _groups = views;
    }
}
