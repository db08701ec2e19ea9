namespace Synod.Consensus.Raft;

/// <summary>
/// Structural checks on a peer's message before the core acts on it. A correct peer never fails
/// them; a corrupted or buggy one can, and such a message is dropped and counted, never trusted
/// (STYLE §5). Checks that need the receiver's log (a match index beyond it) live with the handler.
/// </summary>
internal static class RaftMessageValidator
{
    /// <summary>Returns why the message is malformed, or null when it is well formed.</summary>
    // Terms this large can only come from a corrupt or hostile peer; adopting one would let the next
    // election wrap the term around to 0.
    private const ulong MaxPlausibleTerm = ulong.MaxValue / 2;

    public static string? Check(RaftMessage message, RaftConfig config)
    {
        if (message.Term.Value > MaxPlausibleTerm)
        {
            return $"implausible term {message.Term}";
        }

        return message switch
        {
            AppendEntries m => CheckEntries(m),
            InstallSnapshot m => CheckSnapshotChunk(m, config),
            _ => null,
        };
    }

    private static string? CheckEntries(AppendEntries m)
    {
        if (m.Entries.IsDefault)
        {
            return "entries missing";
        }

        if (m.Previous.Term > m.Term)
        {
            return "previous entry from a later term than the message";
        }

        var expected = m.Previous.Index.Next();
        var previousTerm = m.Previous.Term;
        foreach (var entry in m.Entries)
        {
            if (entry.Index != expected)
            {
                return $"entry {entry.Index} where {expected} was expected";
            }

            if (entry.Term < previousTerm || entry.Term > m.Term)
            {
                return $"entry {entry.Position} out of term order";
            }

            if (entry.Kind == EntryKind.MembershipChange && !MembershipCodec.TryDecode(entry.Data.Span, out _, out _))
            {
                return $"undecodable membership entry {entry.Index}";
            }

            expected = expected.Next();
            previousTerm = entry.Term;
        }

        return null;
    }

    private static string? CheckSnapshotChunk(InstallSnapshot m, RaftConfig config)
    {
        if (m.Metadata?.Membership is null)
        {
            return "snapshot metadata missing";
        }

        var size = m.Metadata.SizeBytes;
        if (size < 0 || size > config.MaxSnapshotBytes)
        {
            return $"snapshot size {size} outside [0, {config.MaxSnapshotBytes}]";
        }

        if (m.Offset < 0 || m.Offset > size - m.Chunk.Length)
        {
            return $"chunk [{m.Offset}, {m.Offset + m.Chunk.Length}) outside a {size}-byte snapshot";
        }

        if (m.Metadata.Term > m.Term)
        {
            return "snapshot from a later term than the message";
        }

        return null;
    }
}
