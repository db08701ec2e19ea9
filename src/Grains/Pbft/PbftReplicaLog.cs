using Microsoft.Extensions.Logging;
using Synod.Consensus.Pbft;

namespace Synod.Grains.Pbft;

/// <summary>Log messages of PBFT replica grains.</summary>
internal static partial class PbftReplicaLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "{Group}/{Replica} activated at view {View}, stable checkpoint {Stable}, state restored at {Restored}, Byzantine mode {Mode}")]
    public static partial void Activated(ILogger logger, string group, ReplicaIndex replica, View view, SequenceNumber stable, SequenceNumber restored, PbftByzantineMode mode);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "{Group}/{Replica} dropped a malformed message: {Reason}")]
    public static partial void BadMessage(ILogger logger, string group, ReplicaIndex replica, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Critical, Message = "{Group}/{Replica} stopped: {Reason}")]
    public static partial void Stopped(ILogger logger, string group, ReplicaIndex replica, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "{Group}/{Replica} refused a client request: {Reason}")]
    public static partial void RefusedRequest(ILogger logger, string group, ReplicaIndex replica, string reason);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "{Group}/{Replica} installed the state at checkpoint {Sequence} fetched from replica {Peer}")]
    public static partial void StateTransferred(ILogger logger, string group, ReplicaIndex replica, SequenceNumber sequence, ReplicaIndex peer);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "{Group}/{Replica} is behind the stable checkpoint {Sequence} and no peer gave it a state matching the checkpoint's digest yet")]
    public static partial void StateTransferPending(ILogger logger, string group, ReplicaIndex replica, SequenceNumber sequence);
}
