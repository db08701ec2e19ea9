using System.IO.Pipelines;
using Google.Protobuf;

namespace Synod.Runtime.Transport;

/// <summary>
/// The connection handshake. The dialer sends Hello (its id, the id it expects to reach, a nonce);
/// the listener checks it and answers with its own Hello and its Proof in one write; the dialer
/// verifies that proof and sends its own. Only then does either side read or write messages. A
/// side that refuses sends a Refusal with the reason and closes. Every frame read here is limited
/// to <see cref="FrameCodec.MaxHandshakeFrameBytes"/>, and the caller bounds the whole exchange
/// with the handshake timeout.
/// </summary>
internal sealed class Handshake
{
    private const int MaxLoggedReasonChars = 200;

    private readonly SiloId _self;
    private readonly string _clusterName;
    private readonly byte[] _key;

    public Handshake(SiloId self, string clusterName, byte[] key)
    {
        _self = self;
        _clusterName = clusterName;
        _key = key;
    }

    public async ValueTask<HandshakeOutcome> DialAsync(IDuplexPipe pipe, SiloId listener, CancellationToken cancellationToken)
    {
        byte[] dialerNonce = HandshakeProof.NewNonce();
        await WriteAsync(pipe.Output, cancellationToken, new Frame { Hello = NewHello(listener, dialerNonce) }).ConfigureAwait(false);

        (Frame? frame, HandshakeOutcome? failure) = await ExpectAsync(pipe, listener, Frame.BodyOneofCase.Hello, cancellationToken).ConfigureAwait(false);
        if (failure is { } helloFailure)
        {
            return helloFailure;
        }

        Hello hello = frame!.Hello;
        string? problem = CheckHello(hello) ?? (hello.SiloId != listener.Value ? $"answered as silo {hello.SiloId}, not {listener}" : null);
        if (problem is not null)
        {
            return await RefuseAsync(pipe.Output, listener, problem, cancellationToken).ConfigureAwait(false);
        }

        byte[] listenerNonce = hello.Nonce.ToByteArray();
        (frame, failure) = await ExpectAsync(pipe, listener, Frame.BodyOneofCase.Proof, cancellationToken).ConfigureAwait(false);
        if (failure is { } proofFailure)
        {
            return proofFailure;
        }

        if (!HandshakeProof.Verify(_key, HandshakeRole.Listener, _clusterName, _self, listener, dialerNonce, listenerNonce, frame!.Proof.Mac.Span))
        {
            return await RefuseAsync(pipe.Output, listener, "the listener's proof does not verify: it does not hold the cluster key", cancellationToken).ConfigureAwait(false);
        }

        byte[] mac = HandshakeProof.Compute(_key, HandshakeRole.Dialer, _clusterName, _self, listener, dialerNonce, listenerNonce);
        await WriteAsync(pipe.Output, cancellationToken, new Frame { Proof = new Proof { Mac = ByteString.CopyFrom(mac) } }).ConfigureAwait(false);
        return HandshakeOutcome.Success(listener);
    }

    /// <param name="pipe">The accepted connection.</param>
    /// <param name="checkDialer">Says why a silo may not dial this one, or null if it may.</param>
    /// <param name="cancellationToken">Bounds the handshake.</param>
    public async ValueTask<HandshakeOutcome> AcceptAsync(IDuplexPipe pipe, Func<SiloId, string?> checkDialer, CancellationToken cancellationToken)
    {
        (Frame? frame, HandshakeOutcome? failure) = await ExpectAsync(pipe, null, Frame.BodyOneofCase.Hello, cancellationToken).ConfigureAwait(false);
        if (failure is { } helloFailure)
        {
            return helloFailure;
        }

        Hello hello = frame!.Hello;
        var dialer = new SiloId(hello.SiloId);
        string? problem = CheckHello(hello) ?? checkDialer(dialer);
        if (problem is not null)
        {
            return await RefuseAsync(pipe.Output, dialer, problem, cancellationToken).ConfigureAwait(false);
        }

        byte[] dialerNonce = hello.Nonce.ToByteArray();
        byte[] listenerNonce = HandshakeProof.NewNonce();
        byte[] mac = HandshakeProof.Compute(_key, HandshakeRole.Listener, _clusterName, dialer, _self, dialerNonce, listenerNonce);
        await WriteAsync(
            pipe.Output,
            cancellationToken,
            new Frame { Hello = NewHello(dialer, listenerNonce) },
            new Frame { Proof = new Proof { Mac = ByteString.CopyFrom(mac) } }).ConfigureAwait(false);

        (frame, failure) = await ExpectAsync(pipe, dialer, Frame.BodyOneofCase.Proof, cancellationToken).ConfigureAwait(false);
        if (failure is { } proofFailure)
        {
            return proofFailure;
        }

        if (!HandshakeProof.Verify(_key, HandshakeRole.Dialer, _clusterName, dialer, _self, dialerNonce, listenerNonce, frame!.Proof.Mac.Span))
        {
            return await RefuseAsync(pipe.Output, dialer, "the dialer's proof does not verify: it does not hold the cluster key", cancellationToken).ConfigureAwait(false);
        }

        return HandshakeOutcome.Success(dialer);
    }

    private Hello NewHello(SiloId peer, byte[] nonce) => new()
    {
        ProtocolVersion = HandshakeProof.ProtocolVersion,
        ClusterName = _clusterName,
        SiloId = _self.Value,
        PeerSiloId = peer.Value,
        Nonce = ByteString.CopyFrom(nonce),
    };

    private string? CheckHello(Hello hello)
    {
        if (hello.ProtocolVersion != HandshakeProof.ProtocolVersion)
        {
            return $"speaks protocol version {hello.ProtocolVersion}, not {HandshakeProof.ProtocolVersion}";
        }

        if (!string.Equals(hello.ClusterName, _clusterName, StringComparison.Ordinal))
        {
            return $"belongs to cluster '{Truncate(hello.ClusterName)}', not '{_clusterName}'";
        }

        if (hello.PeerSiloId != _self.Value)
        {
            return $"meant to reach silo {hello.PeerSiloId}, not {_self}";
        }

        if (hello.Nonce.Length != HandshakeProof.NonceBytes)
        {
            return $"sent a {hello.Nonce.Length}-byte nonce, not {HandshakeProof.NonceBytes}";
        }

        return null;
    }

    // Reads the next frame and insists it is of the expected kind; a refusal from the peer, a
    // closed connection or a bad frame end the handshake.
    private static async ValueTask<(Frame? Frame, HandshakeOutcome? Failure)> ExpectAsync(
        IDuplexPipe pipe, SiloId? peer, Frame.BodyOneofCase expected, CancellationToken cancellationToken)
    {
        (FrameReadStatus status, Frame? frame) = await FrameCodec.ReadOneAsync(pipe.Input, FrameCodec.MaxHandshakeFrameBytes, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case FrameReadStatus.Incomplete:
                return (null, new HandshakeOutcome(HandshakeFailure.Closed, peer, $"closed while this side waited for a {expected}"));
            case FrameReadStatus.Oversized:
                return (null, new HandshakeOutcome(HandshakeFailure.Malformed, peer, $"announced a handshake frame over {FrameCodec.MaxHandshakeFrameBytes} bytes"));
            case FrameReadStatus.Malformed:
                return (null, new HandshakeOutcome(HandshakeFailure.Malformed, peer, "sent a handshake frame that does not parse"));
        }

        if (frame!.BodyCase == Frame.BodyOneofCase.Refusal)
        {
            return (null, new HandshakeOutcome(HandshakeFailure.RefusedByPeer, peer, Truncate(frame.Refusal.Reason)));
        }

        if (frame.BodyCase != expected)
        {
            HandshakeOutcome refused = await RefuseAsync(pipe.Output, peer, $"sent a {frame.BodyCase} where a {expected} belongs", cancellationToken).ConfigureAwait(false);
            return (null, refused);
        }

        return (frame, null);
    }

    private static async ValueTask<HandshakeOutcome> RefuseAsync(PipeWriter output, SiloId? peer, string reason, CancellationToken cancellationToken)
    {
        await WriteAsync(output, cancellationToken, new Frame { Refusal = new Refusal { Reason = reason } }).ConfigureAwait(false);
        return new HandshakeOutcome(HandshakeFailure.Refused, peer, reason);
    }

    private static async ValueTask WriteAsync(PipeWriter output, CancellationToken cancellationToken, params Frame[] frames)
    {
        foreach (Frame frame in frames)
        {
            FrameCodec.Write(output, frame);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Truncate(string text) =>
        text.Length <= MaxLoggedReasonChars ? text : string.Concat(text.AsSpan(0, MaxLoggedReasonChars), "…");
}
