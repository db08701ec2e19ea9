using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Pbft;

/// <summary>
/// Each client's last executed timestamp and the reply it got (Castro and Liskov §4.1): a repeated
/// timestamp is answered again without executing, an older one not at all. Part of the checkpoint
/// state, so it is the same on every correct replica; sorted by client for a deterministic digest.
/// </summary>
internal sealed class PbftClientTable
{
    private readonly SortedDictionary<ulong, PbftClientEntry> _entries = [];

    public IReadOnlyDictionary<ulong, ulong> ExecutedTimestamps => _entries.ToDictionary(e => e.Key, e => e.Value.Timestamp);

    public PbftClientEntry? Find(ulong client) => _entries.GetValueOrDefault(client);

    public void Record(ulong client, ulong timestamp, byte[] result) =>
        _entries[client] = new PbftClientEntry { Client = client, Timestamp = timestamp, Result = ByteString.CopyFrom(result) };

    public void WriteTo(PbftCheckpointState state) => state.Clients.Add(_entries.Values);

    public void Load(PbftCheckpointState state)
    {
        _entries.Clear();
        foreach (PbftClientEntry entry in state.Clients)
        {
            _entries[entry.Client] = entry;
        }
    }
}
