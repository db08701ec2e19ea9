namespace Synod.Runtime.Grains;

/// <summary>What a turn of an activation is for, for counters and logs.</summary>
internal enum TurnKind
{
    Activate,
    Request,
    StreamItem,
    Tick,
    Internal,
    Deactivate,
}
