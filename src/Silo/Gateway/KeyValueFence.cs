namespace Synod.Silo.Gateway;

/// <summary>
/// A fencing token guarding a key-value write: the lock's name and the token its lease was granted
/// with. The group applies the write only if no higher token has been seen for that lock.
/// </summary>
/// <param name="LockName">The lock's name, 1 to 256 bytes of UTF-8.</param>
/// <param name="Token">The token of the grant, from 1.</param>
public sealed record KeyValueFence(string LockName, ulong Token);
