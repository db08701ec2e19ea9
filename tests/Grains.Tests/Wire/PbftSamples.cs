using System.Collections.Immutable;
using Synod.Consensus.Pbft;

namespace Synod.Grains.Tests.Wire;

/// <summary>One sample of every PBFT message kind, with every field set to a distinct value.</summary>
internal static class PbftSamples
{
    public static ClientRequest Request(ulong client, ulong timestamp) =>
        new(client, timestamp, new byte[] { 1, 2, (byte)client, (byte)timestamp }) { Authenticator = new byte[] { 9, 8, 7, (byte)timestamp } };

    public static Digest DigestOf(string text) => Digest.Of(System.Text.Encoding.UTF8.GetBytes(text));

    public static PrePrepare PrePrepare(int from, ulong sequence) =>
        new(new ReplicaIndex(from), new View(3), new SequenceNumber(sequence), DigestOf($"batch{sequence}"), [Request(11, sequence), Request(12, sequence + 1)]) { Signature = Signature(from, 1) };

    public static Prepare Prepare(int from, ulong sequence) =>
        new(new ReplicaIndex(from), new View(3), new SequenceNumber(sequence), DigestOf($"batch{sequence}")) { Signature = Signature(from, 2) };

    public static Commit Commit(int from, ulong sequence) =>
        new(new ReplicaIndex(from), new View(3), new SequenceNumber(sequence), DigestOf($"batch{sequence}")) { Signature = Signature(from, 3) };

    public static Checkpoint Checkpoint(int from, ulong sequence) =>
        new(new ReplicaIndex(from), new SequenceNumber(sequence), DigestOf($"state{sequence}")) { Signature = Signature(from, 4) };

    public static PreparedCertificate Certificate(ulong sequence) => new(PrePrepare(0, sequence), [Prepare(1, sequence), Prepare(2, sequence)]);

    public static ViewChange ViewChange(int from) =>
        new(new ReplicaIndex(from), new View(4), new SequenceNumber(16), DigestOf("state16"), [Checkpoint(0, 16), Checkpoint(1, 16), Checkpoint(2, 16)], [Certificate(17), Certificate(18)]) { Signature = Signature(from, 5) };

    public static NewView NewView() =>
        new(new ReplicaIndex(0), new View(4), [ViewChange(1), ViewChange(2), ViewChange(3)], [PrePrepare(0, 17), PrePrepare(0, 18)]) { Signature = Signature(0, 6) };

    public static ForwardedRequest Forwarded() => new(new ReplicaIndex(2), Request(5, 99)) { Signature = Signature(2, 7) };

    public static IEnumerable<PbftMessage> All() =>
        [PrePrepare(0, 5), Prepare(1, 5), Commit(2, 5), Checkpoint(3, 16), ViewChange(1), NewView(), Forwarded(),
         new PrePrepare(new ReplicaIndex(0), new View(1), new SequenceNumber(2), PbftEncoding.BatchDigest([]), ImmutableArray<ClientRequest>.Empty)];

    public static PbftDurableState DurableState() => new(
        new View(4),
        true,
        new SequenceNumber(19),
        new SequenceNumber(16),
        DigestOf("state16"),
        [Checkpoint(0, 16), Checkpoint(1, 16), Checkpoint(2, 16)],
        [
            new PbftSlotState(new SequenceNumber(17), PrePrepare(0, 17), Prepare(1, 17), Commit(1, 17), Certificate(17), DigestOf("batch17"), [Request(11, 17)]),
            new PbftSlotState(new SequenceNumber(18), PrePrepare(0, 18), null, null, null, null, default),
        ],
        ViewChange(1),
        [ViewChange(1)],
        NewView());

    private static byte[] Signature(int from, int kind) => [(byte)from, (byte)kind, 0xAB, 0xCD];
}
