namespace Synod.Grains.Interfaces.Pbft;

/// <summary>
/// Which keys belong to a PBFT group: a PBFT group named <c>g</c> owns every key that starts with
/// <c>g/</c> (for example <c>pbft-1/orders/7</c>). Slots stay with the Raft groups: moving a slot
/// to a PBFT group would strand the keys a Raft group already holds in it, and slot migration is
/// not built. The key is stored in the PBFT group whole, prefix included. Client and silo apply the
/// same rule, so a client can speak PBFT to the group's replicas and a gateway can tell it to.
/// </summary>
public static class PbftKeyNamespace
{
    /// <summary>The separator between a PBFT group's name and the rest of the key.</summary>
    public const char Separator = '/';

    /// <summary>
    /// The group name a key would belong to if a PBFT group of that name exists: the text before
    /// the first <see cref="Separator"/>, when it is not empty; otherwise null.
    /// </summary>
    public static string? CandidateGroup(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int separator = key.IndexOf(Separator, StringComparison.Ordinal);
        return separator > 0 ? key[..separator] : null;
    }
}
