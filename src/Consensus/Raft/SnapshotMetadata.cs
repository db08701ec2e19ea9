namespace Synod.Consensus.Raft;

/// <summary>What a snapshot covers: the last entry it includes and the membership at that entry.</summary>
public sealed record SnapshotMetadata(LogPosition Last, Membership Membership, long SizeBytes)
{
    public LogIndex Index => Last.Index;

    public Term Term => Last.Term;
}
