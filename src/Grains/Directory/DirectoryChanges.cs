using System.Globalization;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Directory;

/// <summary>
/// The directory's changes after bootstrap, each a pure function of the directory and the
/// command: it either changes the directory (and raises its version) and returns null, or returns
/// why not and changes nothing. Run by every replica of the meta group on committed entries, so
/// they must be deterministic (no hash order, no clock).
/// </summary>
public static class DirectoryChanges
{
    /// <summary>Most groups one directory holds.</summary>
    public const int MaxGroups = 10_000;

    /// <summary>Most groups one command creates.</summary>
    public const int MaxGroupsPerCommand = 4096;

    /// <summary>Creates groups; <paramref name="created"/> receives their names.</summary>
    public static string? CreateGroups(ClusterDirectory directory, CreateGroups command, List<string> created)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(created);
        if (command.RequestId.Length > 0 && directory.Groups.Any(g => g.CreatedBy == command.RequestId))
        {
            // A retry of a command already applied: answer with what it made.
            created.AddRange(directory.Groups.Where(g => g.CreatedBy == command.RequestId).Select(g => g.Group));
            return null;
        }

        if (command.RequestId.Length > 64)
        {
            return "a request id has at most 64 characters";
        }

        string machine = command.Machine.Length == 0 ? "kv" : command.Machine;
        if (CheckShape(command.Protocol, machine, command.Replicas) is { } shape)
        {
            return shape;
        }

        if (command.Count is 0 or > MaxGroupsPerCommand || directory.Groups.Count + command.Count > MaxGroups)
        {
            return $"count must be 1 to {MaxGroupsPerCommand}, and a cluster holds at most {MaxGroups} groups (it has {directory.Groups.Count})";
        }

        string prefix = command.Prefix.Length > 0 ? command.Prefix : DefaultPrefix(command.Protocol, machine);
        if (prefix.Length > 32 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || prefix == "meta")
        {
            return "a group prefix has 1 to 32 letters, digits or '_' and is not 'meta'";
        }

        // Placement runs on a copy first: either every group fits or none is created.
        ClusterDirectory trial = directory.Clone();
        int next = NextNumber(trial, prefix);
        for (int i = 0; i < command.Count; i++)
        {
            IReadOnlyList<int>? silos = PlacementPolicy.Choose(trial, [], (int)command.Replicas);
            if (silos is null)
            {
                return $"a group of {command.Replicas} replicas needs {command.Replicas} silos that are not draining";
            }

            var group = new GroupPlacement
            {
                Group = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{next + i}"),
                Protocol = command.Protocol,
                Machine = machine,
                NextReplica = command.Replicas + 1,
                InitialReplicas = command.Replicas,
                CreatedBy = command.RequestId,
            };
            for (int r = 0; r < silos.Count; r++)
            {
                group.Replicas.Add(new ReplicaPlacement { Replica = (ulong)(r + 1), Silo = silos[r] });
            }

            trial.Groups.Add(group);
            created.Add(group.Group);
        }

        directory.Groups.Clear();
        directory.Groups.AddRange(trial.Groups);
        directory.Version++;
        return null;
    }

    /// <summary>Records a new silo, or updates the endpoints and labels of a recorded one.</summary>
    public static string? AddSilo(ClusterDirectory directory, AddSilo command)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(command);
        SiloRecord? silo = command.Silo;
        if (silo is null || silo.Id < 1 || silo.TransportEndpoint.Length == 0 || silo.HttpEndpoint.Length == 0)
        {
            return "a silo needs an id of 1 or more, a transport endpoint and an HTTP endpoint";
        }

        if (silo.Labels.Count > 16 || silo.Labels.Any(l => l.Key.Length is 0 or > 64 || l.Value.Length > 128))
        {
            return "a silo has at most 16 labels, keys of 1 to 64 and values of up to 128 characters";
        }

        int existing = IndexOfSilo(directory, silo.Id);
        SiloRecord record = silo.Clone();
        if (existing >= 0)
        {
            record.Draining = directory.Silos[existing].Draining;
            if (record.Equals(directory.Silos[existing]))
            {
                return null;
            }

            directory.Silos[existing] = record;
        }
        else
        {
            record.Draining = false;
            directory.Silos.Add(record);
        }

        directory.Version++;
        return null;
    }

    /// <summary>Marks a silo draining (no new replicas) or not.</summary>
    public static string? SetSiloDraining(ClusterDirectory directory, SetSiloDraining command)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(command);
        int index = IndexOfSilo(directory, command.Silo);
        if (index < 0)
        {
            return $"silo {command.Silo} is not in the directory";
        }

        if (directory.Silos[index].Draining != command.Draining)
        {
            directory.Silos[index].Draining = command.Draining;
            directory.Version++;
        }

        return null;
    }

    /// <summary>Starts moving a replica: a new replica is placed on the target silo and the move recorded.</summary>
    public static string? BeginMove(ClusterDirectory directory, BeginMove command)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(command);
        GroupPlacement? group = directory.Groups.FirstOrDefault(g => g.Group == command.Group);
        if (group is null)
        {
            return $"group {command.Group} does not exist";
        }

        if (group.Protocol == "pbft")
        {
            // A PBFT group's n = 3f+1 and its replicas' keys are fixed at creation; there is no
            // PBFT membership change to carry a move out.
            return $"group {command.Group} is a PBFT group; its replicas do not move";
        }

        if (directory.Moves.FirstOrDefault(m => m.Group == command.Group) is { } pending)
        {
            return pending.FromReplica == command.FromReplica ? null : $"group {command.Group} is already moving replica {pending.FromReplica}";
        }

        ReplicaPlacement? from = group.Replicas.FirstOrDefault(r => r.Replica == command.FromReplica);
        if (from is null)
        {
            return $"group {command.Group} has no replica {command.FromReplica}";
        }

        int[] kept = [.. group.Replicas.Where(r => r != from).Select(r => r.Silo)];
        int target = command.ToSilo;
        if (target == 0)
        {
            IReadOnlyList<int>? chosen = PlacementPolicy.Choose(directory, [.. kept, from.Silo], 1);
            if (chosen is null)
            {
                return $"no silo can take a replica of {command.Group}: every other silo hosts one or is draining";
            }

            target = chosen[0];
        }
        else if (IndexOfSilo(directory, target) is var index && (index < 0 || directory.Silos[index].Draining))
        {
            return $"silo {target} is not in the directory or is draining";
        }
        else if (group.Replicas.Any(r => r.Silo == target))
        {
            return $"silo {target} already hosts a replica of {command.Group}";
        }

        ulong replica = Math.Max(group.NextReplica, group.Replicas.Max(r => r.Replica) + 1);
        group.NextReplica = replica + 1;
        group.Replicas.Add(new ReplicaPlacement { Replica = replica, Silo = target, Joined = true });
        directory.Moves.Add(new PendingMove { Group = command.Group, FromReplica = command.FromReplica, ToReplica = replica });
        directory.Version++;
        return null;
    }

    /// <summary>Ends a move: the old replica leaves the directory.</summary>
    public static string? CompleteMove(ClusterDirectory directory, CompleteMove command)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(command);
        PendingMove? pending = directory.Moves.FirstOrDefault(m => m.Group == command.Group && m.FromReplica == command.FromReplica);
        if (pending is null)
        {
            return $"group {command.Group} is not moving replica {command.FromReplica}";
        }

        GroupPlacement group = directory.Groups.First(g => g.Group == command.Group);
        ReplicaPlacement? from = group.Replicas.FirstOrDefault(r => r.Replica == command.FromReplica);
        if (from is not null)
        {
            group.Replicas.Remove(from);
        }

        directory.Moves.Remove(pending);
        directory.Version++;
        return null;
    }

    /// <summary>Why a group of this protocol, machine and size cannot exist, or null.</summary>
    public static string? CheckShape(string protocol, string machine, uint replicas) => (protocol, machine) switch
    {
        ("raft", "kv" or "lock") when replicas is 1 or 3 or 5 or 7 => null,
        ("raft", "kv" or "lock") => "a Raft group has 1, 3, 5 or 7 replicas",
        ("pbft", "kv") when replicas >= 4 && (replicas - 1) % 3 == 0 && replicas <= 13 => null,
        ("pbft", "kv") => "a PBFT group has 3f+1 replicas (4, 7, 10 or 13)",
        ("raft" or "pbft", _) => $"unknown state machine '{machine}' for {protocol} (kv, or lock for raft)",
        _ => $"unknown protocol '{protocol}' (raft or pbft)",
    };

    private static string DefaultPrefix(string protocol, string machine) =>
        protocol == "pbft" ? "pbft" : machine == "lock" ? "lock" : "kv";

    /// <summary>
    /// The first free number after <paramref name="prefix"/>. <c>pbft-0</c> is reserved: it is the
    /// PBFT group the silos' configuration places (outside the directory), so PBFT numbering starts at 1.
    /// </summary>
    private static int NextNumber(ClusterDirectory directory, string prefix)
    {
        int next = prefix == "pbft" ? 1 : 0;
        foreach (GroupPlacement group in directory.Groups)
        {
            if (group.Group.StartsWith(prefix + "-", StringComparison.Ordinal)
                && int.TryParse(group.Group.AsSpan(prefix.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                next = Math.Max(next, number + 1);
            }
        }

        return next;
    }

    private static int IndexOfSilo(ClusterDirectory directory, int id)
    {
        for (int i = 0; i < directory.Silos.Count; i++)
        {
            if (directory.Silos[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }
}
