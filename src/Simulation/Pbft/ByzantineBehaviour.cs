using System.Collections.Immutable;
using Synod.Consensus;
using Synod.Consensus.Pbft;

namespace Synod.Simulation.Pbft;

/// <summary>
/// Rewrites what a Byzantine replica sends. The replica runs the correct core, so its view of the
/// protocol stays coherent, but every message leaving it passes through here and may be dropped,
/// altered, duplicated or replayed. It signs with its own key only: it cannot forge others.
/// </summary>
internal sealed class ByzantineBehaviour(ByzantineStrategy strategy, IPbftAuthenticator ownKey, SplitMix64Random random, IReadOnlySet<int> colluders)
{
    private readonly List<PbftMessage> _sent = [];

    public ByzantineStrategy Strategy => strategy;

    /// <summary>The messages replica <paramref name="to"/> receives in place of <paramref name="message"/>.</summary>
    public IEnumerable<PbftMessage> Rewrite(PbftMessage message, int to)
    {
        _sent.Add(message);
        switch (strategy)
        {
            case ByzantineStrategy.Silent:
                yield break;
            case ByzantineStrategy.Equivocate when message is PrePrepare pp && to % 2 == 1:
                yield return Sign(Alternate(pp));
                yield break;
            case ByzantineStrategy.Collude:
                yield return Collude(message, to);
                yield break;
            case ByzantineStrategy.CorruptDigest when message is Prepare or Commit or PrePrepare:
                yield return Sign(WithDigest(message, RandomDigest()));
                yield break;
            case ByzantineStrategy.Replay:
                yield return message;
                if (_sent.Count > 1 && random.Chance(0.5))
                {
                    yield return _sent[random.Next(_sent.Count - 1)];
                }

                yield break;
            case ByzantineStrategy.WrongView when message is Prepare p:
                yield return Sign(p with { View = p.View.Next() });
                yield break;
            case ByzantineStrategy.WrongView when message is Commit c:
                yield return Sign(c with { View = new View(c.View.Value + 2) });
                yield break;
            case ByzantineStrategy.CommitWithoutPrepare when message is Prepare p:
                yield return message;
                yield return Sign(new Commit(p.From, p.View, p.Sequence, p.Digest));
                yield return Sign(new Commit(p.From, p.View, p.Sequence.Next(), RandomDigest()));
                yield break;
            case ByzantineStrategy.LieInViewChange when message is ViewChange v:
                yield return random.Chance(0.5)
                    ? Sign(v with { Prepared = ImmutableArray<PreparedCertificate>.Empty })
                    : Sign(v with { StableCheckpoint = v.StableCheckpoint.Plus(1000), StableDigest = RandomDigest() });
                yield break;
            case ByzantineStrategy.ForgeClientRequests:
                yield return message;
                if (random.Chance(0.2))
                {
                    var forged = new ClientRequest(1 + (ulong)random.Next(3), ulong.MaxValue - (ulong)random.Next(1000), CounterStateMachine.Operation(0, 1_000_000))
                    {
                        Authenticator = Enumerable.Range(0, 8 * ClientMac.MacBytes).Select(_ => (byte)random.Next(256)).ToArray(),
                    };
                    yield return Sign(new ForwardedRequest(message.From, forged));
                }

                yield break;
            case ByzantineStrategy.LieInViewChange when message is Checkpoint cp:
                yield return Sign(cp with { StateDigest = RandomDigest() });
                yield break;
            default:
                yield return message;
                yield break;
        }
    }

    /// <summary>The reply result a client receives from this replica.</summary>
    public long RewriteResult(long result) => strategy == ByzantineStrategy.CorruptReplies ? result + 1 + random.Next(100) : result;

    public bool Replies => strategy != ByzantineStrategy.Silent;

    // Colluders agree, without talking, on a second batch for every sequence number and show it to
    // the odd-numbered correct replicas, while showing the real one to each other and to the rest.
    private PbftMessage Collude(PbftMessage message, int to)
    {
        if (to % 2 == 0 || colluders.Contains(to))
        {
            return message;
        }

        return message switch
        {
            PrePrepare pp => Sign(Alternate(pp)),
            Prepare p => Sign(p with { Digest = AlternateDigest }),
            Commit c => Sign(c with { Digest = AlternateDigest }),
            _ => message,
        };
    }

    // Byzantine replicas cannot forge client requests (they lack the clients' keys), so the batch
    // they show instead is the null request: an empty batch with a different digest.
    private static readonly Digest AlternateDigest = PbftEncoding.BatchDigest(ImmutableArray<ClientRequest>.Empty);

    private static PrePrepare Alternate(PrePrepare pp) => pp with { Batch = ImmutableArray<ClientRequest>.Empty, Digest = AlternateDigest };

    private static PbftMessage WithDigest(PbftMessage message, Digest digest) => message switch
    {
        Prepare p => p with { Digest = digest },
        Commit c => c with { Digest = digest },
        PrePrepare pp => pp with { Digest = digest },
        _ => message,
    };

    private Digest RandomDigest() => new(random.NextUInt64(), random.NextUInt64(), random.NextUInt64(), random.NextUInt64());

    private T Sign<T>(T message)
        where T : PbftMessage => message with { Signature = ownKey.Sign(PbftEncoding.SigningBytes(message)) };
}
