using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Tests.Transport;

public sealed class FrameCodecTests
{
    // Frames written back to back come out whole and in order, however the bytes are split.
    [Fact]
    public void Frames_round_trip_across_any_split()
    {
        var writer = new ArrayBufferWriter<byte>();
        var message = new TransportMessage { Kind = "call", Target = "grain/7", CorrelationId = 42, Payload = ByteString.CopyFromUtf8("payload") };
        int first = FrameCodec.Write(writer, new Frame { Message = message });
        int second = FrameCodec.Write(writer, new Frame { Heartbeat = new Heartbeat() });
        Assert.Equal(writer.WrittenCount, first + second);

        for (int split = 0; split <= writer.WrittenCount; split++)
        {
            ReadOnlySequence<byte> buffer = Split(writer.WrittenMemory, split);
            Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryRead(ref buffer, 1024, out Frame? frame, out int wireBytes));
            Assert.Equal((message, first), (frame!.Message, wireBytes));
            Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryRead(ref buffer, 1024, out frame, out wireBytes));
            Assert.Equal((Frame.BodyOneofCase.Heartbeat, second), (frame!.BodyCase, wireBytes));
            Assert.True(buffer.IsEmpty);
        }
    }

    // A partial frame asks for more bytes and leaves the buffer untouched.
    [Fact]
    public void A_partial_frame_is_incomplete()
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, new Frame { Refusal = new Refusal { Reason = "no" } });
        for (int length = 0; length < writer.WrittenCount; length++)
        {
            var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory[..length]);
            Assert.Equal(FrameReadStatus.Incomplete, FrameCodec.TryRead(ref buffer, 1024, out _, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    // The limit is enforced on the prefix alone, before the body arrives, including lengths above int.MaxValue.
    [Theory]
    [InlineData(1025u)]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0xFFFF_FFFFu)]
    public void An_oversized_prefix_is_refused_at_once(uint announced)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, announced);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Oversized, FrameCodec.TryRead(ref buffer, 1024, out _, out _));
    }

    // Bytes that are not a frame, and a frame with no body, are malformed.
    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 3, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 2, 0x08, 0x01 })]
    public void Garbage_is_malformed(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Malformed, FrameCodec.TryRead(ref buffer, 1024, out Frame? frame, out _));
        Assert.Null(frame);
    }

    private static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> bytes, int at)
    {
        var head = new Segment(bytes[..at], 0);
        Segment tail = head.Append(bytes[at..]);
        return new ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
