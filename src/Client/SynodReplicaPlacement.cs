namespace Synod.Client;

/// <summary>Where one replica lives.</summary>
/// <param name="Replica">Its id in the group (ids are never reused).</param>
/// <param name="Silo">The silo hosting it.</param>
/// <param name="Joined">True when it joined a running group (a move), false for one the group was created with.</param>
public sealed record SynodReplicaPlacement(ulong Replica, int Silo, bool Joined);
