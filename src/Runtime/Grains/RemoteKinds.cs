namespace Synod.Runtime.Grains;

/// <summary>The kinds of transport message the grain runtime sends between silos.</summary>
internal static class RemoteKinds
{
    /// <summary>A stream item; the kind continues with the item's Protobuf type name.</summary>
    public const string StreamPrefix = "stream:";

    /// <summary>A grain call; the kind continues with the request's Protobuf type name.</summary>
    public const string CallPrefix = "call:";

    /// <summary>
    /// A grain call sent to a silo that is asked to pass it on to the grain's silo (the caller cannot
    /// reach that silo itself); the kind continues with the request's Protobuf type name. A relayed
    /// call is passed on as a plain <see cref="CallPrefix"/> call, never relayed again.
    /// </summary>
    public const string RelayPrefix = "relay:";

    /// <summary>Many stream items for one silo in one message; the payload is a <see cref="Transport.StreamBatch"/>.</summary>
    public const string StreamBatch = "stream-batch";

    /// <summary>A call's response.</summary>
    public const string Response = "response";

    /// <summary>A call that failed on the callee's silo; the payload is the reason in UTF-8.</summary>
    public const string Error = "error";
}
