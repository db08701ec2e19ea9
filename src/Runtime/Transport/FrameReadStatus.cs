namespace Synod.Runtime.Transport;

/// <summary>The outcome of trying to take one frame from the front of a buffer.</summary>
internal enum FrameReadStatus
{
    /// <summary>A whole, parsable frame with a body was taken.</summary>
    Complete,

    /// <summary>The buffer holds only part of a frame; read more.</summary>
    Incomplete,

    /// <summary>The length prefix announces more than the limit.</summary>
    Oversized,

    /// <summary>The frame's bytes are not a protobuf <see cref="Frame"/>, or it has no body.</summary>
    Malformed,
}
