using Google.Protobuf;
using Synod.Consensus;
using Synod.Consensus.Raft;

namespace Synod.Grains.KeyValue;

/// <summary>
/// One client's session (Ongaro's thesis §6.3): the highest sequence number applied for it and
/// the response to that request. Changed only by <see cref="KvSessionTable"/>.
/// </summary>
internal sealed class KvSession(ByteString clientId, LogIndex lastAppliedIndex)
{
    public ByteString ClientId { get; } = clientId;

    // Invariant: LastSequence == 0 exactly when LastResult is null (registered, nothing applied yet).
    public ulong LastSequence { get; private set; }

    public KvResult? LastResult { get; private set; }

    /// <summary>
    /// The log index of the registration or request last applied for this session: the eviction
    /// order. Distinct across sessions, because each log index applies to at most one session.
    /// </summary>
    public LogIndex LastAppliedIndex { get; set; } = lastAppliedIndex;

    public void RecordApplied(ulong sequence, KvResult result)
    {
        Invariant.Holds(sequence > LastSequence, "sequence " + sequence + ", last " + LastSequence);
        Invariant.Holds(result.IsAppliedOutcome, result.ToString());
        LastSequence = sequence;
        LastResult = result;
    }

    /// <summary>Builds a session from a snapshot; the caller has validated the parts.</summary>
    public static KvSession Restored(ByteString clientId, LogIndex lastAppliedIndex, ulong lastSequence, KvResult? lastResult) =>
        new(clientId, lastAppliedIndex) { LastSequence = lastSequence, LastResult = lastResult };

    public bool SameAs(KvSession other) =>
        ClientId.Equals(other.ClientId)
        && LastSequence == other.LastSequence
        && Equals(LastResult, other.LastResult)
        && LastAppliedIndex == other.LastAppliedIndex;

    public override string ToString() =>
        "session " + Convert.ToHexString(ClientId.Span) + " last sequence " + LastSequence + " (" + LastResult + ") at " + LastAppliedIndex;
}
