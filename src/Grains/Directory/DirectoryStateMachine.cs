using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;

namespace Synod.Grains.Directory;

/// <summary>
/// The meta group's state machine: the cluster directory (groups, replica placement, slot map).
/// Deterministic: the first valid bootstrap in the log sets it; later bootstraps change nothing;
/// an invalid one is answered with the reason and changes nothing.
/// </summary>
public sealed class DirectoryStateMachine : IReplicatedStateMachine
{
    private ClusterDirectory? _directory;

    /// <summary>The directory, or null before bootstrap.</summary>
    public ClusterDirectory? Directory => _directory;

    /// <inheritdoc/>
    public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
    {
        DirectoryCommand parsed;
        try
        {
            parsed = DirectoryCommand.Parser.ParseFrom(command);
        }
        catch (InvalidProtocolBufferException)
        {
            // A committed entry that does not parse is answered, never thrown on: every replica must agree.
            return Result("the command does not parse");
        }

        if (parsed.OperationCase != DirectoryCommand.OperationOneofCase.Bootstrap)
        {
            return Result("unknown operation");
        }

        if (_directory is null)
        {
            if (Validate(parsed.Bootstrap) is { } problem)
            {
                return Result(problem);
            }

            _directory = parsed.Bootstrap.Clone();
        }

        return Result(null);
    }

    /// <inheritdoc/>
    public void MarkApplied(ulong index)
    {
    }

    /// <inheritdoc/>
    public byte[] Query(ReadOnlySpan<byte> query) => Result(null);

    /// <inheritdoc/>
    public byte[] Snapshot() => new DirectoryResult { Directory = _directory }.ToByteArray();

    /// <inheritdoc/>
    public void Restore(ReadOnlySpan<byte> snapshot) => _directory = DirectoryResult.Parser.ParseFrom(snapshot).Directory;

    /// <summary>Why a directory cannot be used, or null when it can.</summary>
    public static string? Validate(ClusterDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (directory.Slots == 0 || directory.SlotGroups.Count != directory.Slots)
        {
            return $"the slot map has {directory.SlotGroups.Count} entries for {directory.Slots} slots";
        }

        if (directory.SlotGroups.Any(g => g >= directory.Groups.Count))
        {
            return "a slot names a group that does not exist";
        }

        foreach (GroupPlacement group in directory.Groups)
        {
            if (group.Replicas.Select(r => r.Silo).Distinct().Count() != group.Replicas.Count || group.Replicas.Count == 0)
            {
                return $"group {group.Group} has no replicas or two on one silo";
            }
        }

        return directory.Groups.Select(g => g.Group).Distinct().Count() == directory.Groups.Count ? null : "two groups share a name";
    }

    private byte[] Result(string? rejected) =>
        new DirectoryResult { Directory = _directory, Rejected = rejected ?? "" }.ToByteArray();
}
