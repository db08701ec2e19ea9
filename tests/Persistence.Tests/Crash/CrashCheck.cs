using Synod.Persistence.CrashWriter;
using Synod.Runtime.Storage;

namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// The crash guarantee, checked per replica: with k the highest version known durable (the
/// highest acknowledged, or the durable version a previous check observed) and d the version the
/// reopened store holds, k &lt;= d (nothing acknowledged was lost, nothing durable went back),
/// d &lt;= k + 1 (the child keeps at most one batch in flight per replica), and the state equals the
/// workload model at d exactly (the log is a clean prefix: no partial batch, no garbage).
/// </summary>
internal static class CrashCheck
{
    public static CrashVerdict Check(ulong seed, IReadOnlyList<ReplicaDurableState> states, IReadOnlyList<ulong> known)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(known);
        if (states.Count != known.Count)
        {
            throw new ArgumentException($"{states.Count} states for {known.Count} replicas.", nameof(states));
        }

        var violations = new List<string>();
        var durable = new ulong[states.Count];
        int unacknowledged = 0;
        for (int replica = 0; replica < states.Count; replica++)
        {
            ReplicaDurableState state = states[replica];
            if (state.Replica != CrashWorkload.ReplicaName(replica) || !CrashWorkload.TryReadVersion(state, out ulong version))
            {
                violations.Add($"replica {replica}: state of '{state.Replica}' with malformed metadata");
                continue;
            }

            durable[replica] = version;
            if (version < known[replica])
            {
                violations.Add($"replica {replica}: durable version {version} is below version {known[replica]}, which was acknowledged or already durable");
            }
            else if (version > known[replica] + 1)
            {
                violations.Add($"replica {replica}: durable version {version} is more than one batch past version {known[replica]}, the last one acknowledged or known durable");
            }
            else if (version == known[replica] + 1)
            {
                unacknowledged++;
            }

            if (ReplicaModel.At(seed, replica, version).DifferenceFrom(state) is { } difference)
            {
                violations.Add($"replica {replica}: the state at durable version {version} is not the workload's: {difference}");
            }
        }

        return new CrashVerdict(violations, durable, unacknowledged);
    }
}
