using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// PBFT's safety properties over a run, checked as correct replicas execute and clients accept:
/// no two correct replicas commit different batches at one sequence number (so their executed
/// histories are prefixes of one another), and every result a client accepted is the result every
/// correct replica computes for that request.
/// </summary>
internal sealed class PbftChecker
{
    private readonly Dictionary<ulong, Digest> _decided = [];
    private readonly Dictionary<(ulong Client, ulong Timestamp), long> _results = [];
    private readonly Dictionary<(ulong Client, ulong Timestamp), long> _accepted = [];

    public long Accepted => _accepted.Count;

    public void ObserveExecuted(ReplicaIndex replica, SequenceNumber sequence, Digest digest)
    {
        if (_decided.TryGetValue(sequence.Value, out var known))
        {
            if (known != digest)
            {
                Fail("Agreement", $"correct replica {replica} executed batch {digest} at sequence {sequence}, another correct replica executed {known}");
            }

            return;
        }

        _decided[sequence.Value] = digest;
    }

    public void ObserveResult(ReplicaIndex replica, ClientRequest request, long result)
    {
        var key = (request.Client, request.Timestamp);
        if (_results.TryGetValue(key, out var known) && known != result)
        {
            Fail("Agreement", $"correct replica {replica} computed {result} for client {request.Client} request {request.Timestamp}, another computed {known}");
        }

        _results[key] = result;
        if (_accepted.TryGetValue(key, out var accepted) && accepted != result)
        {
            Fail("Accepted Result", $"client {request.Client} accepted {accepted} for request {request.Timestamp}, but correct replica {replica} computed {result}");
        }
    }

    public void ObserveAccepted(ulong client, ulong timestamp, long result)
    {
        var key = (client, timestamp);
        if (_results.TryGetValue(key, out var known) && known != result)
        {
            Fail("Accepted Result", $"client {client} accepted {result} for request {timestamp}, but correct replicas computed {known}");
        }

        _accepted[key] = result;
    }

    private static void Fail(string invariant, string detail) => throw new SimulationViolationException(invariant, detail);
}
