using Google.Protobuf;

namespace Synod.Silo.Gateway;

/// <summary>One client session of the gateway in one group: its id and the last sequence number it used.</summary>
internal sealed class KvSession(string group, ByteString clientId)
{
    public string Group { get; } = group;

    public ByteString ClientId { get; } = clientId;

    public bool Registered { get; set; }

    public ulong Sequence { get; set; }
}
