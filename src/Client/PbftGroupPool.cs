using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Synod.Client;

/// <summary>
/// How <see cref="SynodClient"/> speaks PBFT: per group, a pool of <see cref="PbftGroupClient"/>s
/// (one operation at a time each, since a PBFT client's timestamps order its requests), each with
/// a random 64-bit client id so that no two clients — in this process or another — share the
/// replicas' per-client timestamp. At most <see cref="SynodClientOptions.MaxConcurrentRequests"/>
/// are in use at once, so the pool holds at most that many per group. A client whose operation
/// failed is dropped (its session may be expired or its request still pending) and a fresh one
/// is made next time.
/// </summary>
internal sealed class PbftGroupPool(HttpClient http, SynodClientOptions options)
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<PbftGroupClient>> _idle = new(StringComparer.Ordinal);

    public async Task<T> RunAsync<T>(PbftRoute route, Func<PbftGroupClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (options.PbftClientSecret.Length == 0)
        {
            throw new SynodException(
                SynodErrorCodes.PbftKeysRequired,
                $"the key belongs to PBFT group {route.Group}; the client needs SynodClientOptions.PbftClientSecret (the clientSecret of the cluster's pbft-keys.json) to speak PBFT");
        }

        // Keyed by the replicas too: a PBFT group's replica set is fixed, but a silo's address may change.
        ConcurrentBag<PbftGroupClient> idle = _idle.GetOrAdd(route.Group + " " + string.Join(' ', route.Replicas), _ => []);
        PbftGroupClient client = idle.TryTake(out PbftGroupClient? pooled) ? pooled : Create(route);
        T result = await operation(client, cancellationToken).ConfigureAwait(false);
        idle.Add(client);
        return result;
    }

    private PbftGroupClient Create(PbftRoute route)
    {
        var settings = new PbftGroupClientOptions
        {
            Group = route.Group,
            ClientId = RandomClientId(),
            ClientSecret = options.PbftClientSecret,
            RetransmitTimeout = options.PbftRetransmitTimeout,
            OperationTimeout = options.PbftOperationTimeout,
        };
        foreach (Uri replica in route.Replicas)
        {
            settings.Replicas.Add(replica);
        }

        return new PbftGroupClient(http, settings);
    }

    private static ulong RandomClientId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }
        while (id == 0);
        return id;
    }
}
