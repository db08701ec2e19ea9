namespace Synod.Client;

/// <summary>
/// A fencing token guarding a key-value write: the lock's name and the token its lease was granted
/// with (<see cref="SynodLease.Token"/>). The cluster applies the write only if no higher token has
/// been seen for that lock; otherwise the write fails with <see cref="SynodErrorCodes.Fenced"/> and
/// changes nothing. A write with a higher token raises the lock's fence, so from then on the
/// previous holder's writes are refused even if they arrive late.
/// </summary>
/// <param name="Lock">The lock's name, 1 to 256 bytes of UTF-8.</param>
/// <param name="Token">The fencing token, from 1.</param>
public sealed record SynodFence(string Lock, ulong Token)
{
    /// <summary>The fence of a lease: its lock and token.</summary>
    public static SynodFence Of(SynodLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new SynodFence(lease.Name, lease.Token);
    }

    /// <summary>The <c>Synod-Fence</c> header value: <c>NAME:TOKEN</c>, the name percent-encoded.</summary>
    internal string HeaderValue()
    {
        ArgumentException.ThrowIfNullOrEmpty(Lock);
        ArgumentOutOfRangeException.ThrowIfZero(Token);
        return Uri.EscapeDataString(Lock) + ":" + Token.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
