using System.Text;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Tests.Transport;

public sealed class HandshakeTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("test-cluster-key-0123456789abcdef");

    // Two sides with the same key and cluster authenticate each other over an in-memory connection.
    [Fact]
    public async Task Sides_with_the_key_authenticate_each_other()
    {
        (HandshakeOutcome dialer, HandshakeOutcome listener) = await RunAsync(new Handshake(new SiloId(1), "c", Key), new Handshake(new SiloId(2), "c", Key));
        Assert.Equal(HandshakeOutcome.Success(new SiloId(2)), dialer);
        Assert.Equal(HandshakeOutcome.Success(new SiloId(1)), listener);
    }

    // A wrong key is caught whichever side holds it: the side that checks refuses, and the other learns it was refused.
    [Fact]
    public async Task A_wrong_key_is_refused_in_either_role()
    {
        byte[] wrong = Encoding.UTF8.GetBytes("another-key-entirely-0123456789");
        (HandshakeOutcome dialer, HandshakeOutcome listener) = await RunAsync(new Handshake(new SiloId(1), "c", wrong), new Handshake(new SiloId(2), "c", Key));
        Assert.Equal((HandshakeFailure.Refused, HandshakeFailure.RefusedByPeer), (dialer.Failure, listener.Failure));
        Assert.Contains("cluster key", dialer.Reason, StringComparison.Ordinal);

        (dialer, listener) = await RunAsync(new Handshake(new SiloId(1), "c", Key), new Handshake(new SiloId(2), "c", wrong));
        Assert.Equal((HandshakeFailure.Refused, HandshakeFailure.RefusedByPeer), (dialer.Failure, listener.Failure));
    }

    // The listener refuses a dialer of another cluster, or one its rule says must not dial, before it proves anything.
    [Fact]
    public async Task The_listener_refuses_another_cluster_and_the_wrong_dialer()
    {
        (HandshakeOutcome dialer, HandshakeOutcome listener) = await RunAsync(new Handshake(new SiloId(1), "other", Key), new Handshake(new SiloId(2), "c", Key));
        Assert.Equal((HandshakeFailure.RefusedByPeer, HandshakeFailure.Refused), (dialer.Failure, listener.Failure));
        Assert.Contains("cluster 'other'", listener.Reason, StringComparison.Ordinal);

        (dialer, listener) = await RunAsync(new Handshake(new SiloId(1), "c", Key), new Handshake(new SiloId(2), "c", Key), _ => "must not dial");
        Assert.Equal((HandshakeFailure.RefusedByPeer, HandshakeFailure.Refused), (dialer.Failure, listener.Failure));
        Assert.Equal("must not dial", dialer.Reason);
    }

    // A proof binds the key, the role, the cluster, both ids and both nonces: changing any one of them changes it.
    [Fact]
    public void A_proof_covers_every_field()
    {
        byte[] n1 = new byte[32], n2 = new byte[32];
        n2[0] = 1;
        byte[] proof = HandshakeProof.Compute(Key, HandshakeRole.Dialer, "c", new SiloId(1), new SiloId(2), n1, n2);
        Assert.True(HandshakeProof.Verify(Key, HandshakeRole.Dialer, "c", new SiloId(1), new SiloId(2), n1, n2, proof));
        byte[][] others =
        [
            HandshakeProof.Compute("x"u8.ToArray(), HandshakeRole.Dialer, "c", new SiloId(1), new SiloId(2), n1, n2),
            HandshakeProof.Compute(Key, HandshakeRole.Listener, "c", new SiloId(1), new SiloId(2), n1, n2),
            HandshakeProof.Compute(Key, HandshakeRole.Dialer, "d", new SiloId(1), new SiloId(2), n1, n2),
            HandshakeProof.Compute(Key, HandshakeRole.Dialer, "c", new SiloId(2), new SiloId(1), n1, n2),
            HandshakeProof.Compute(Key, HandshakeRole.Dialer, "c", new SiloId(1), new SiloId(2), n2, n1),
        ];
        Assert.All(others, other => Assert.NotEqual(proof, other));
        Assert.False(HandshakeProof.Verify(Key, HandshakeRole.Dialer, "c", new SiloId(1), new SiloId(2), n1, n2, proof.AsSpan(1)));
    }

    private static async Task<(HandshakeOutcome Dialer, HandshakeOutcome Listener)> RunAsync(
        Handshake dialer, Handshake listener, Func<SiloId, string?>? checkDialer = null)
    {
        (var dialerEnd, var listenerEnd) = DuplexPipe.CreatePair();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Task<HandshakeOutcome> accepting = listener.AcceptAsync(listenerEnd, checkDialer ?? (_ => null), timeout.Token).AsTask();
        HandshakeOutcome dialed = await dialer.DialAsync(dialerEnd, new SiloId(2), timeout.Token);
        // A refusing side closes its connection; here that is completing its output.
        await dialerEnd.Output.CompleteAsync();
        HandshakeOutcome accepted = await accepting;
        return (dialed, accepted);
    }
}
