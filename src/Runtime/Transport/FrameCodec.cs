using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Synod.Runtime.Transport;

/// <summary>
/// Length-prefixed frames: a 4-byte big-endian length, then that many bytes of a protobuf
/// <see cref="Frame"/>. The limit is checked on the prefix alone, before any of the body is
/// buffered, so an oversized announcement costs the reader nothing.
/// </summary>
internal static class FrameCodec
{
    public const int LengthPrefixBytes = 4;

    /// <summary>The largest handshake frame: nothing is buffered for an unauthenticated peer beyond this.</summary>
    public const int MaxHandshakeFrameBytes = 1024;

    /// <summary>Bytes the frame takes on the wire, prefix included.</summary>
    public static int WireSize(Frame frame) => LengthPrefixBytes + frame.CalculateSize();

    /// <summary>Appends one frame to <paramref name="output"/> and returns the bytes written, prefix included.</summary>
    public static int Write(IBufferWriter<byte> output, Frame frame)
    {
        int size = frame.CalculateSize();
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(LengthPrefixBytes), size);
        output.Advance(LengthPrefixBytes);
        frame.WriteTo(output);
        return LengthPrefixBytes + size;
    }

    /// <summary>
    /// Takes one frame from the front of <paramref name="buffer"/>, which then starts after it.
    /// On anything but <see cref="FrameReadStatus.Complete"/> the buffer is left as it was.
    /// </summary>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out Frame? frame, out int wireBytes)
    {
        frame = null;
        wireBytes = 0;
        if (buffer.Length < LengthPrefixBytes)
        {
            return FrameReadStatus.Incomplete;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        buffer.Slice(0, LengthPrefixBytes).CopyTo(prefix);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > (uint)maxFrameBytes)
        {
            return FrameReadStatus.Oversized;
        }

        if (buffer.Length < LengthPrefixBytes + length)
        {
            return FrameReadStatus.Incomplete;
        }

        ReadOnlySequence<byte> body = buffer.Slice(LengthPrefixBytes, length);
        try
        {
            frame = Frame.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            // Safe: the bytes came from the network and are simply not a frame; the caller closes
            // the connection and counts it.
            return FrameReadStatus.Malformed;
        }

        if (frame.BodyCase == Frame.BodyOneofCase.None)
        {
            frame = null;
            return FrameReadStatus.Malformed;
        }

        wireBytes = LengthPrefixBytes + (int)length;
        buffer = buffer.Slice(wireBytes);
        return FrameReadStatus.Complete;
    }

    /// <summary>
    /// Reads exactly one frame (used during the handshake, before the data loops start), leaving
    /// whatever follows it in the pipe. Returns <see cref="FrameReadStatus.Incomplete"/> if the
    /// peer closed before a whole frame arrived.
    /// </summary>
    public static async ValueTask<(FrameReadStatus Status, Frame? Frame)> ReadOneAsync(
        PipeReader input, int maxFrameBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            FrameReadStatus status = TryRead(ref buffer, maxFrameBytes, out Frame? frame, out _);
            if (status == FrameReadStatus.Complete)
            {
                // Consumed and examined only up to the frame's end, so the next read returns at once
                // if the rest of the buffer already holds another frame.
                input.AdvanceTo(buffer.Start);
                return (status, frame);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (status != FrameReadStatus.Incomplete)
            {
                return (status, null);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return (FrameReadStatus.Incomplete, null);
            }
        }
    }
}
