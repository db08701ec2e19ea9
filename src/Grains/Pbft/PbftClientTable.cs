using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Pbft;

/// <summary>
/// Each client's last executed timestamp and the reply it got (Castro and Liskov §4.1): a repeated
/// timestamp is answered again without executing, an older one not at all. Part of the checkpoint
/// state, so it is the same on every correct replica; sorted by client for a deterministic digest.
/// Bounded: beyond <c>maxClients</c> the client whose last request executed earliest (lowest
/// sequence number, then lowest id) is forgotten — a choice every correct replica makes alike,
/// since they execute the same batches. A forgotten client's very old retry would execute again;
/// its replica-side protection is then only the core's executed-timestamp table.
/// </summary>
internal sealed class PbftClientTable
{
    private readonly SortedDictionary<ulong, PbftClientEntry> _entries = [];
    private readonly SortedSet<(ulong Sequence, ulong Client)> _byAge = [];
    private readonly int _maxClients;

    public PbftClientTable(int maxClients = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClients, 1);
        _maxClients = maxClients;
    }

    /// <summary>Clients forgotten because the table was full, since this replica started.</summary>
    public long Evicted { get; private set; }

    public int Count => _entries.Count;

    public IReadOnlyDictionary<ulong, ulong> ExecutedTimestamps => _entries.ToDictionary(e => e.Key, e => e.Value.Timestamp);

    public PbftClientEntry? Find(ulong client) => _entries.GetValueOrDefault(client);

    public void Record(ulong client, ulong timestamp, byte[] result, ulong sequence)
    {
        if (_entries.TryGetValue(client, out PbftClientEntry? old))
        {
            _byAge.Remove((old.Sequence, client));
        }

        _entries[client] = new PbftClientEntry { Client = client, Timestamp = timestamp, Result = ByteString.CopyFrom(result), Sequence = sequence };
        _byAge.Add((sequence, client));
        Trim();
    }

    public void WriteTo(PbftCheckpointState state) => state.Clients.Add(_entries.Values);

    public void Load(PbftCheckpointState state)
    {
        _entries.Clear();
        _byAge.Clear();
        foreach (PbftClientEntry entry in state.Clients)
        {
            if (_entries.Remove(entry.Client, out PbftClientEntry? duplicate))
            {
                _byAge.Remove((duplicate.Sequence, duplicate.Client));
            }

            _entries[entry.Client] = entry;
            _byAge.Add((entry.Sequence, entry.Client));
        }

        Trim();
    }

    private void Trim()
    {
        while (_entries.Count > _maxClients)
        {
            (ulong _, ulong oldest) = _byAge.Min;
            _byAge.Remove(_byAge.Min);
            _entries.Remove(oldest);
            Evicted++;
        }
    }
}
