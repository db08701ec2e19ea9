namespace Synod.Consensus.Raft;

/// <summary>
/// Assembles a snapshot sent in chunks. Only in-order chunks of one snapshot are accepted; any other
/// chunk is answered with the offset expected, so the leader resumes from there.
/// </summary>
internal sealed class SnapshotReceiver
{
    private SnapshotMetadata? _metadata;

    // A transfer is one sender's snapshot in one term: chunks of equal-looking snapshots from two
    // leaders must never be spliced, since two replicas may encode one state differently.
    private (ReplicaId Sender, Term Term) _source;
    private byte[] _buffer = [];
    private long _received;

    /// <summary>
    /// Accepts a chunk. Returns the complete snapshot when the last chunk arrives, else null;
    /// <paramref name="nextOffset"/> is the byte expected next.
    /// </summary>
    public Snapshot? Accept(ReplicaId sender, Term term, InstallSnapshot chunk, out long nextOffset)
    {
        if (_metadata is not null && _source != (sender, term))
        {
            Reset();
        }

        if (chunk.Offset == 0 && !Equals(_metadata, chunk.Metadata))
        {
            _source = (sender, term);
            // The size was checked against MaxSnapshotBytes by RaftMessageValidator.
            _metadata = chunk.Metadata;
            _buffer = new byte[chunk.Metadata.SizeBytes];
            _received = 0;
        }

        if (!Equals(_metadata, chunk.Metadata) || chunk.Offset != _received || _received + chunk.Chunk.Length > _buffer.Length)
        {
            nextOffset = Equals(_metadata, chunk.Metadata) ? _received : 0;
            return null;
        }

        chunk.Chunk.Span.CopyTo(_buffer.AsSpan((int)_received));
        _received += chunk.Chunk.Length;
        nextOffset = _received;
        if (!chunk.IsLastChunk)
        {
            return null;
        }

        if (_received != _buffer.Length)
        {
            Reset();
            nextOffset = 0;
            return null;
        }

        var snapshot = new Snapshot(_metadata!, _buffer);
        Reset();
        return snapshot;
    }

    public void Reset()
    {
        _metadata = null;
        _buffer = [];
        _received = 0;
    }
}
