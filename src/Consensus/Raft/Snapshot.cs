namespace Synod.Consensus.Raft;

/// <summary>A state-machine snapshot: opaque bytes produced by the host, and what they cover.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    public static Snapshot Initial(Membership membership) =>
        new(new SnapshotMetadata(new LogPosition(LogIndex.Zero, Term.Zero), membership, 0), ReadOnlyMemory<byte>.Empty);
}
