using System.Collections.Immutable;

namespace Synod.Consensus.Raft;

/// <summary>
/// The replicas of a group: voters decide elections and commitment; learners receive the log but
/// do not vote (thesis §4.2.1). Both lists are sorted and disjoint.
/// </summary>
public sealed class Membership : IEquatable<Membership>
{
    public static readonly Membership Empty = new(ImmutableArray<ReplicaId>.Empty, ImmutableArray<ReplicaId>.Empty);

    private Membership(ImmutableArray<ReplicaId> voters, ImmutableArray<ReplicaId> learners)
    {
        Voters = voters;
        Learners = learners;
    }

    // Invariant: Voters and Learners are sorted, duplicate-free and disjoint.
    public ImmutableArray<ReplicaId> Voters { get; }

    public ImmutableArray<ReplicaId> Learners { get; }

    /// <summary>Votes needed for a majority of the voters (at least 1).</summary>
    public int Quorum => (Voters.Length / 2) + 1;

    public static Membership Create(IEnumerable<ReplicaId> voters, IEnumerable<ReplicaId>? learners = null)
    {
        var v = voters.Distinct().Order().ToImmutableArray();
        var l = (learners ?? []).Distinct().Order().ToImmutableArray();
        foreach (var id in v)
        {
            Invariant.Holds(!id.IsNone, "replica id 0 is reserved");
            Invariant.Holds(!l.Contains(id), "a replica is either a voter or a learner");
        }

        foreach (var id in l)
        {
            Invariant.Holds(!id.IsNone, "replica id 0 is reserved");
        }

        return new Membership(v, l);
    }

    public static Membership OfVoters(params ReplicaId[] voters) => Create(voters);

    public bool IsVoter(ReplicaId id) => Voters.BinarySearch(id) >= 0;

    public bool IsLearner(ReplicaId id) => Learners.BinarySearch(id) >= 0;

    public bool Contains(ReplicaId id) => IsVoter(id) || IsLearner(id);

    /// <summary>Every member, voters then learners, each list in id order.</summary>
    public IEnumerable<ReplicaId> All => Voters.Concat(Learners);

    /// <summary>
    /// Applies one single-server change (thesis §4.1) or explains why it is not allowed.
    /// </summary>
    public bool TryApply(MembershipChange change, out Membership result, out string? reason)
    {
        result = this;
        reason = null;
        switch (change.Kind)
        {
            case MembershipChangeKind.AddLearner when Contains(change.Replica):
                reason = $"replica {change.Replica} is already a member";
                return false;
            case MembershipChangeKind.AddLearner:
                result = Create(Voters, Learners.Add(change.Replica));
                return true;
            case MembershipChangeKind.PromoteLearner when !IsLearner(change.Replica):
                reason = $"replica {change.Replica} is not a learner";
                return false;
            case MembershipChangeKind.PromoteLearner:
                result = Create(Voters.Add(change.Replica), Learners.Remove(change.Replica));
                return true;
            case MembershipChangeKind.RemoveReplica when !Contains(change.Replica):
                reason = $"replica {change.Replica} is not a member";
                return false;
            case MembershipChangeKind.RemoveReplica when IsVoter(change.Replica) && Voters.Length == 1:
                reason = "cannot remove the last voter";
                return false;
            case MembershipChangeKind.RemoveReplica:
                result = Create(Voters.Remove(change.Replica), Learners.Remove(change.Replica));
                return true;
            default:
                reason = $"unknown change kind {change.Kind}";
                return false;
        }
    }

    public bool Equals(Membership? other) =>
        other is not null && Voters.SequenceEqual(other.Voters) && Learners.SequenceEqual(other.Learners);

    public override bool Equals(object? obj) => Equals(obj as Membership);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var id in Voters)
        {
            hash.Add(id);
        }

        hash.Add(-1);
        foreach (var id in Learners)
        {
            hash.Add(id);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        "voters[" + string.Join(',', Voters) + "]" + (Learners.IsEmpty ? "" : " learners[" + string.Join(',', Learners) + "]");
}
