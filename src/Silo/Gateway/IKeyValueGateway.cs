namespace Synod.Silo.Gateway;

/// <summary>
/// What a silo's HTTP API (and later its client gateway) asks of the cluster for key-value
/// operations: route the key to its group, reach the leader, retry safely, and say plainly what
/// happened. Implemented over replica grains by the silo; tests use a fake.
/// </summary>
public interface IKeyValueGateway
{
    /// <summary>Reads a key linearizably.</summary>
    Task<KeyValueOutcome> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a key. <paramref name="requestId"/>, when given, makes a retried request apply once;
    /// <paramref name="fence"/>, when given, makes the write apply only if no higher token has been
    /// seen for its lock (<see cref="KeyValueOutcomeKind.Fenced"/> otherwise). Likewise below.
    /// </summary>
    Task<KeyValueOutcome> PutAsync(string key, ReadOnlyMemory<byte> value, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken);

    /// <summary>Removes a key.</summary>
    Task<KeyValueOutcome> DeleteAsync(string key, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the key's value only if it currently is <paramref name="expected"/> (null: the key
    /// must be absent); <paramref name="replacement"/> null deletes the key.
    /// </summary>
    Task<KeyValueOutcome> CompareAndSetAsync(string key, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? replacement, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken);

    /// <summary>The cluster as this silo sees it: silos, groups, and each replica's role and indexes.</summary>
    Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken);
}
