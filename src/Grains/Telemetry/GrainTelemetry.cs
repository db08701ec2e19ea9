using System.Diagnostics;

namespace Synod.Grains.Telemetry;

/// <summary>
/// The grains' <c>Synod</c> activity source and span names. Each layer has its own instance of the
/// one name (layers may not reference each other): the name is what listeners subscribe to.
/// </summary>
public static class GrainTelemetry
{
    /// <summary>The name of Synod's meter and activity source.</summary>
    public const string Name = "Synod";

    /// <summary>A proposal at the leader, from its acceptance to its entry applied (propose → commit → apply).</summary>
    public const string ProposeSpan = "synod.raft.propose";

    /// <summary>The leader's persisting of the Ready that holds a recorded proposal's entry (linked from the store's group commit).</summary>
    public const string PersistSpan = "synod.raft.persist";

    /// <summary>A follower's handling of an AppendEntries that carries a recorded proposal's entry (persist, then acknowledge).</summary>
    public const string AppendSpan = "synod.raft.append";

    internal static readonly ActivitySource Source = new(Name);

    /// <summary>Stops <paramref name="span"/> from a turn other than the one that started it, leaving that turn's current span as it was.</summary>
    internal static void StopDetached(Activity span)
    {
        Activity? current = Activity.Current;
        span.Stop();
        Activity.Current = current;
    }
}
