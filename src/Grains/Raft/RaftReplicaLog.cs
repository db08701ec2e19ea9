using Microsoft.Extensions.Logging;
using Synod.Consensus.Raft;

namespace Synod.Grains.Raft;

/// <summary>Log messages of Raft replica grains.</summary>
internal static partial class RaftReplicaLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Group}/{Replica} activated at term {Term}, last index {LastIndex}, commit {Commit}")]
    public static partial void Activated(ILogger logger, string group, ReplicaId replica, Term term, LogIndex lastIndex, LogIndex commit);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "{Group}/{Replica} dropped a malformed message: {Reason}")]
    public static partial void BadMessage(ILogger logger, string group, ReplicaId replica, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Critical, Message = "{Group}/{Replica} stopped: {Reason}")]
    public static partial void Stopped(ILogger logger, string group, ReplicaId replica, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "{Group}/{Replica} woke: silo {Silo}, which hosts a peer, went down")]
    public static partial void WokenByPeerSilo(ILogger logger, string group, ReplicaId replica, int silo);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "{Group}/{Replica} hands leadership at term {Term} to its preferred leader {Preferred}")]
    public static partial void TransferringToPreferred(ILogger logger, string group, ReplicaId replica, ReplicaId preferred, Term term);
}
