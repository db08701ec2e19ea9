namespace Synod.Runtime.Transport;

/// <summary>Which end of a connection a side is; part of the proof, so a proof cannot be reflected back.</summary>
internal enum HandshakeRole
{
    Dialer = 1,
    Listener = 2,
}
