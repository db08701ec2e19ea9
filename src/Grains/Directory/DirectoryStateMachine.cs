using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Raft;

namespace Synod.Grains.Directory;

/// <summary>
/// The meta group's state machine: the cluster directory (groups, replica placement, slot map).
/// Deterministic: the first valid bootstrap in the log sets it; later bootstraps change nothing;
/// an invalid one is answered with the reason and changes nothing. After bootstrap,
/// <see cref="DirectoryChanges"/> creates groups, records silos and drains, and moves replicas.
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

        if (parsed.OperationCase == DirectoryCommand.OperationOneofCase.Bootstrap)
        {
            return Bootstrap(parsed.Bootstrap);
        }

        if (_directory is null)
        {
            return Result("the directory is not bootstrapped yet");
        }

        var created = new List<string>();
        string? rejected = parsed.OperationCase switch
        {
            DirectoryCommand.OperationOneofCase.CreateGroups => DirectoryChanges.CreateGroups(_directory, parsed.CreateGroups, created),
            DirectoryCommand.OperationOneofCase.AddSilo => DirectoryChanges.AddSilo(_directory, parsed.AddSilo),
            DirectoryCommand.OperationOneofCase.SetSiloDraining => DirectoryChanges.SetSiloDraining(_directory, parsed.SetSiloDraining),
            DirectoryCommand.OperationOneofCase.BeginMove => DirectoryChanges.BeginMove(_directory, parsed.BeginMove),
            DirectoryCommand.OperationOneofCase.CompleteMove => DirectoryChanges.CompleteMove(_directory, parsed.CompleteMove),
            _ => "unknown operation",
        };
        return Result(rejected, created);
    }

    private byte[] Bootstrap(ClusterDirectory bootstrap)
    {
        if (_directory is null)
        {
            if (Validate(bootstrap) is { } problem)
            {
                return Result(problem);
            }

            _directory = bootstrap.Clone();
            _directory.Version = Math.Max(1, _directory.Version);
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

            if (group.Replicas.Select(r => r.Replica).Distinct().Count() != group.Replicas.Count || group.Replicas.Any(r => r.Replica == 0))
            {
                return $"group {group.Group} has two replicas with one id, or a replica 0";
            }
        }

        if (directory.Silos.Select(s => s.Id).Distinct().Count() != directory.Silos.Count || directory.Silos.Any(s => s.Id < 1))
        {
            return "two silos share an id, or an id is below 1";
        }

        return directory.Groups.Select(g => g.Group).Distinct().Count() == directory.Groups.Count ? null : "two groups share a name";
    }

    private byte[] Result(string? rejected, List<string>? created = null)
    {
        var result = new DirectoryResult { Directory = _directory, Rejected = rejected ?? "" };
        if (created is not null)
        {
            result.Created.AddRange(created);
        }

        return result.ToByteArray();
    }
}
