namespace Synod.Consensus.Raft;

/// <summary>The role a replica currently plays.</summary>
public enum RaftRole : byte
{
    Follower = 0,
    PreCandidate = 1,
    Candidate = 2,
    Leader = 3,
}
