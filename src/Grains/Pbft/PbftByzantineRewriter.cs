using Synod.Consensus.Pbft;

namespace Synod.Grains.Pbft;

/// <summary>
/// Rewrites what a deliberately Byzantine replica sends to one peer (see <see cref="PbftByzantineMode"/>).
/// It signs with its own key only, so it can lie about its own statements but forge no one else's.
/// </summary>
internal sealed class PbftByzantineRewriter(PbftByzantineMode mode, IPbftAuthenticator ownKey)
{
    public PbftByzantineMode Mode => mode;

    /// <summary>What peer <paramref name="to"/> receives in place of <paramref name="message"/>, or null for nothing.</summary>
    public PbftMessage? Rewrite(PbftMessage message, ReplicaIndex to) => mode switch
    {
        PbftByzantineMode.Silent => null,
        PbftByzantineMode.Equivocate when to.Value % 2 == 1 => Equivocate(message),
        _ => message,
    };

    /// <summary>The result a client receives in place of <paramref name="result"/>.</summary>
    public byte[] RewriteResult(byte[] result) => mode == PbftByzantineMode.CorruptReplies ? [.. result, 0xBA, 0xD0] : result;

    private PbftMessage Equivocate(PbftMessage message) => message switch
    {
        PrePrepare m => Sign(m with { Digest = Other(m.Digest) }),
        Prepare m => Sign(m with { Digest = Other(m.Digest) }),
        Commit m => Sign(m with { Digest = Other(m.Digest) }),
        _ => message,
    };

    private static Digest Other(Digest digest) => digest with { A = ~digest.A };

    private PbftMessage Sign(PbftMessage message) => message with { Signature = ownKey.Sign(PbftEncoding.SigningBytes(message)) };
}
