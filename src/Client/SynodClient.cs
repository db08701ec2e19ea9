using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Synod.Client;

/// <summary>
/// A client of a Synod cluster's replicated key-value store. Thread-safe: create one per
/// application (or register it with <see cref="SynodClientServiceCollectionExtensions.AddSynodClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{SynodClientOptions})"/>)
/// and share it.
/// </summary>
/// <remarks>
/// <para>Reads are linearizable: a read returns the latest acknowledged write or a later one.</para>
/// <para>Retries. An operation goes to one gateway at a time and moves to the next when a gateway
/// cannot be reached, does not answer within <see cref="SynodClientOptions.RequestTimeout"/>, or
/// answers 503 (no leader or quorum yet, or shutting down), up to
/// <see cref="SynodClientOptions.MaxAttempts"/>. Every attempt of one write carries the same request
/// id (a session id and a sequence number), so the cluster applies the write once however many
/// attempts reach it. When the attempts run out the operation throws <see cref="SynodException"/>
/// with <see cref="SynodErrorCodes.Unavailable"/>, and a write's outcome is then unknown.</para>
/// <para>Today the client talks to the silos' HTTP API and any silo forwards to the key's group.
/// Routing by the cluster's slot map straight to each group's leader can come behind this same API.</para>
/// <para>PBFT groups. A key under a PBFT group's name (<c>pbft-1/orders/7</c> for group <c>pbft-1</c>)
/// belongs to that group: the client speaks PBFT to its replicas itself (MACs for every replica from
/// <see cref="SynodClientOptions.PbftClientSecret"/>, f+1 matching replies), since no single gateway
/// can vouch for a Byzantine fault-tolerant result. The same four operations work on such keys.</para>
/// <para>Keys are 1 to 1024 bytes of UTF-8 and values at most 1 MiB (the cluster's default limits);
/// the keys <c>.</c> and <c>..</c> cannot be used, because URLs cannot carry them.</para>
/// </remarks>
public sealed class SynodClient : IDisposable
{
    /// <summary>Largest answer the client buffers: a 1 MiB value, or the status of a large cluster.</summary>
    internal const int MaxResponseBytes = 16 * 1024 * 1024;

    private const string RequestIdHeader = "Synod-Request-Id";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly GatewayFailover _failover;
    private readonly DirectoryRouter _router;
    private readonly SemaphoreSlim _slots;
    private readonly ClientSessionPool _sessions = new();
    private readonly PbftGroupPool _pbft;
    private readonly TimeProvider _time;
    private readonly bool _routeByDirectory;

    /// <summary>Creates a client of the local development cluster (127.0.0.1:8081–8083).</summary>
    public SynodClient()
        : this(new SynodClientOptions())
    {
    }

    /// <summary>Creates a client that owns its own connection pool.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public SynodClient(SynodClientOptions options)
        : this(CreateHttpClient(), options, logger: null, TimeProvider.System, ownsHttp: true)
    {
    }

    /// <summary>
    /// Creates a client over <paramref name="httpClient"/>, which it does not dispose (for example
    /// one from <c>IHttpClientFactory</c>). The client applies its own per-attempt timeout; leave
    /// the HttpClient's <see cref="HttpClient.Timeout"/> infinite or longer than that.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public SynodClient(HttpClient httpClient, SynodClientOptions options, ILogger<SynodClient>? logger = null)
        : this(httpClient, options, logger, TimeProvider.System, ownsHttp: false)
    {
    }

    internal SynodClient(HttpClient httpClient, SynodClientOptions options, ILogger? logger, TimeProvider time, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var validation = new SynodClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            if (ownsHttp)
            {
                httpClient.Dispose();
            }

            throw new ArgumentException("invalid Synod client options: " + validation.FailureMessage, nameof(options));
        }

        _http = httpClient;
        _ownsHttp = ownsHttp;
        _failover = new GatewayFailover(httpClient, options, time, logger ?? NullLogger.Instance);
        _router = new DirectoryRouter(_failover, time);
        _pbft = new PbftGroupPool(httpClient, options);
        _slots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _time = time;
        _routeByDirectory = options.RouteByDirectory;
    }

    /// <summary>The gateways this client uses, in the order it tries them.</summary>
    public IReadOnlyList<Uri> Gateways => _failover.Gateways;

    /// <summary>Reads <paramref name="key"/>: its value, or null when the key is absent.</summary>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key);
        return RouteAsync(
            key,
            (pbft, token) => pbft.GetAsync(key, token),
            () => RunAsync("get", write: false, gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, path)), GatewayAnswers.ReadValueAsync, cancellationToken, key),
            cancellationToken);
    }

    /// <summary>Reads <paramref name="key"/> as UTF-8 text: its value, or null when the key is absent.</summary>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public async Task<string?> GetStringAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        return value is null ? null : Encoding.UTF8.GetString(value);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, creating or replacing it.</summary>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (the write may then have been applied).</exception>
    public Task PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key);
        return RouteAsync(
            key,
            async (pbft, token) =>
            {
                await pbft.PutAsync(key, value.ToArray(), token).ConfigureAwait(false);
                return true;
            },
            () => RunAsync<bool>(
                "put",
                write: true,
                gateway => new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, path)) { Content = new ReadOnlyMemoryContent(value) },
                (response, token) => GatewayAnswers.ExpectOkAsync(response, "put", token),
                cancellationToken,
                key),
            cancellationToken);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, creating or replacing it.</summary>
    /// <remarks>Exists so that a null array is an error rather than, through its conversion to <see cref="ReadOnlyMemory{T}"/>, an empty value.</remarks>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (the write may then have been applied).</exception>
    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, new ReadOnlyMemory<byte>(value), cancellationToken);
    }

    /// <summary>Sets <paramref name="key"/> to the UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (the write may then have been applied).</exception>
    public Task PutAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, Encoding.UTF8.GetBytes(value), cancellationToken);
    }

    /// <summary>Removes <paramref name="key"/>. True if it existed; false if it was already absent.</summary>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (the delete may then have been applied).</exception>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key);
        return RouteAsync(
            key,
            (pbft, token) => pbft.DeleteAsync(key, token),
            () => RunAsync("delete", write: true, gateway => new HttpRequestMessage(HttpMethod.Delete, new Uri(gateway, path)), GatewayAnswers.ReadExistedAsync, cancellationToken, key),
            cancellationToken);
    }

    /// <summary>
    /// Replaces the value of <paramref name="key"/> only if it currently is <paramref name="expected"/>,
    /// atomically. <paramref name="expected"/> null means the key must be absent (create-if-absent);
    /// <paramref name="replacement"/> null deletes the key.
    /// </summary>
    /// <returns>Whether it was applied, and the key's value as the operation leaves it.</returns>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (it may then have been applied).</exception>
    public Task<CompareAndSetResult> CompareAndSetAsync(string key, byte[]? expected, byte[]? replacement, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key) + "/cas";

        // Copies: every attempt must send the same bytes, and the result must not alias the caller's array.
        var replaced = replacement?.ToArray();
        var body = new WireCompareAndSetRequest(expected?.ToArray(), expected is null, replaced, replacement is null);
        return RouteAsync(
            key,
            (pbft, token) => pbft.CompareAndSetAsync(key, body.Expected, replaced, token),
            () => RunAsync(
                "compare-and-set",
                write: true,
                gateway => new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path))
                {
                    Content = JsonContent.Create(body, SynodClientJsonContext.Default.WireCompareAndSetRequest),
                },
                (response, token) => GatewayAnswers.ReadCompareAndSetAsync(response, replaced, token),
                cancellationToken,
                key),
            cancellationToken);
    }

    /// <summary>
    /// <see cref="CompareAndSetAsync(string, byte[], byte[], CancellationToken)"/> with UTF-8 text: null <paramref name="expected"/> means the
    /// key must be absent; null <paramref name="replacement"/> deletes it.
    /// </summary>
    /// <exception cref="SynodException">The cluster refused the request, or could not be reached (it may then have been applied).</exception>
    public Task<CompareAndSetResult> CompareAndSetStringAsync(string key, string? expected, string? replacement, CancellationToken cancellationToken = default) =>
        CompareAndSetAsync(
            key,
            expected is null ? null : Encoding.UTF8.GetBytes(expected),
            replacement is null ? null : Encoding.UTF8.GetBytes(replacement),
            cancellationToken);

    /// <summary>The cluster as the first gateway that answers sees it: silos, groups, and each replica's role and indexes.</summary>
    /// <exception cref="SynodException">No gateway could be reached, or it answered with an error.</exception>
    public Task<SynodClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        RunAsync("status", write: false, gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "v1/status")), GatewayAnswers.ReadStatusAsync, cancellationToken);

    /// <summary>Lists the cluster's groups, their replicas' silos and the moves under way.</summary>
    public Task<SynodGroupList> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("group list", write: false, gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "v1/groups")),
            (response, token) => GatewayAnswers.ReadJsonAsync(response, "group list", SynodClientJsonContext.Default.SynodGroupList, token), cancellationToken);

    /// <summary>
    /// Creates groups placed by the cluster's rules (distinct silos spread over failure domains,
    /// fewest replicas first) and returns their names. Retries are safe: the request carries an id,
    /// and a repeat is answered with the groups the first attempt made.
    /// </summary>
    /// <exception cref="SynodException">The cluster refused the request (code <c>directory_refused</c>: too few silos, a bad shape) or could not be reached.</exception>
    public Task<IReadOnlyList<string>> CreateGroupsAsync(SynodGroupSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var body = new WireGroupCreateRequest(spec.Protocol, spec.Replicas, spec.Count, spec.Machine, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        return RunAsync<IReadOnlyList<string>>(
            "group create",
            write: false,
            gateway => new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "v1/groups")) { Content = JsonContent.Create(body, SynodClientJsonContext.Default.WireGroupCreateRequest) },
            async (response, token) => (await GatewayAnswers.ReadJsonAsync(response, "group create", SynodClientJsonContext.Default.WireGroupCreated, token).ConfigureAwait(false)).Created,
            cancellationToken);
    }

    /// <summary>
    /// Starts moving the replica of <paramref name="group"/> on silo <paramref name="fromSilo"/> to
    /// silo <paramref name="toSilo"/> (0: the cluster picks). The move is a Raft membership change
    /// (the new replica catches up as a learner, is promoted, then the old one is removed) carried
    /// out in the background; <see cref="ListGroupsAsync"/> shows it until it is done.
    /// </summary>
    public Task<SynodMove> MoveReplicaAsync(string group, int fromSilo, int toSilo = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var body = new WireGroupMoveRequest(fromSilo, toSilo);
        return RunAsync(
            "group move",
            write: false,
            gateway => new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "v1/groups/" + Uri.EscapeDataString(group) + "/move")) { Content = JsonContent.Create(body, SynodClientJsonContext.Default.WireGroupMoveRequest) },
            (response, token) => GatewayAnswers.ReadJsonAsync(response, "group move", SynodClientJsonContext.Default.SynodMove, token),
            cancellationToken);
    }

    /// <summary>Lists the cluster's silos with their labels, load and state.</summary>
    public Task<SynodSiloList> ListSilosAsync(CancellationToken cancellationToken = default) =>
        RunAsync("silo list", write: false, gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "v1/silos")),
            (response, token) => GatewayAnswers.ReadJsonAsync(response, "silo list", SynodClientJsonContext.Default.SynodSiloList, token), cancellationToken);

    /// <summary>
    /// Marks a silo draining (<paramref name="draining"/> true): it gets no new replicas and the
    /// cluster moves its Raft replicas away, one at a time; false undoes it.
    /// </summary>
    public Task<SynodSiloList> DrainSiloAsync(int silo, bool draining = true, CancellationToken cancellationToken = default) =>
        RunAsync(
            "silo drain",
            write: false,
            gateway => new HttpRequestMessage(draining ? HttpMethod.Post : HttpMethod.Delete, new Uri(gateway, "v1/silos/" + silo.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/drain")),
            (response, token) => GatewayAnswers.ReadJsonAsync(response, "silo drain", SynodClientJsonContext.Default.SynodSiloList, token),
            cancellationToken);

    /// <summary>
    /// The owner this client's locks are taken as when none is given: host name, process id and a
    /// random part, so two clients never share it.
    /// </summary>
    public string LockOwner { get; } = DefaultLockOwner();

    /// <summary>Takes lock <paramref name="name"/> for <see cref="LockOwner"/>; see <see cref="AcquireLockAsync(string, string, TimeSpan, CancellationToken)"/>.</summary>
    public Task<SynodLockAttempt> AcquireLockAsync(string name, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AcquireLockAsync(name, LockOwner, ttl, cancellationToken);

    /// <summary>
    /// Takes lock <paramref name="name"/> for <paramref name="owner"/> with a lease of
    /// <paramref name="ttl"/> (1 ms to 10 minutes). Granted when the lock is free or its lease has
    /// expired (past its expiry plus the cluster's clock-drift bound), with a fencing token higher
    /// than every earlier grant of the lock; an acquire by the current holder extends its lease and
    /// keeps its token, so a retry is safe. Otherwise the answer names the holder.
    /// </summary>
    /// <remarks>Treat the lease as lost at <see cref="SynodLease.ValidUntil"/> (by this client's clock, counted from before the request was sent) unless renewed, and guard writes with <see cref="SynodFence"/>.</remarks>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public Task<SynodLockAttempt> AcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var path = LockPath(name, "acquire");
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var body = new WireLockRequest(owner, LeaseMs(ttl), null);
        var sent = _time.GetUtcNow();
        return RunAsync("lock acquire", write: false, gateway => LockRequest(gateway, path, body), (response, token) => LockAnswers.ReadAcquireAsync(response, sent, token), cancellationToken);
    }

    /// <summary>Extends <paramref name="lease"/>; see <see cref="RenewLockAsync(string, string, ulong, TimeSpan?, CancellationToken)"/>.</summary>
    public Task<SynodLease?> RenewLockAsync(SynodLease lease, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RenewLockAsync(lease.Name, lease.Owner, lease.Token, ttl, cancellationToken);
    }

    /// <summary>
    /// Extends the lease <paramref name="owner"/> holds on lock <paramref name="name"/> with
    /// <paramref name="token"/> to <paramref name="ttl"/> from now (null: the ttl it was granted
    /// with). Null when the lease is lost (expired, released, or granted to another): it cannot be
    /// renewed, only acquired again, with a new token.
    /// </summary>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public Task<SynodLease?> RenewLockAsync(string name, string owner, ulong token, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        var path = LockPath(name, "renew");
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfZero(token);
        var body = new WireLockRequest(owner, ttl is { } t ? LeaseMs(t) : null, token);
        var sent = _time.GetUtcNow();
        return RunAsync("lock renew", write: false, gateway => LockRequest(gateway, path, body), (response, cancel) => LockAnswers.ReadRenewAsync(response, sent, cancel), cancellationToken);
    }

    /// <summary>Frees <paramref name="lease"/>'s lock; see <see cref="ReleaseLockAsync(string, string, ulong, CancellationToken)"/>.</summary>
    public Task<bool> ReleaseLockAsync(SynodLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ReleaseLockAsync(lease.Name, lease.Owner, lease.Token, cancellationToken);
    }

    /// <summary>
    /// Frees lock <paramref name="name"/> if <paramref name="owner"/> holds it with
    /// <paramref name="token"/>: true; false when the lease was already lost. A release retried
    /// after its first attempt was applied (an unanswered attempt) also answers false.
    /// </summary>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public Task<bool> ReleaseLockAsync(string name, string owner, ulong token, CancellationToken cancellationToken = default)
    {
        var path = LockPath(name, "release");
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfZero(token);
        var body = new WireLockRequest(owner, null, token);
        return RunAsync("lock release", write: false, gateway => LockRequest(gateway, path, body), LockAnswers.ReadReleaseAsync, cancellationToken);
    }

    /// <summary>Who holds lock <paramref name="name"/> (a linearizable read), or null when it is free.</summary>
    /// <exception cref="SynodException">The cluster refused the request or could not be reached.</exception>
    public Task<SynodLockHolder?> GetLockAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = LockPath(name, null);
        return RunAsync("lock get", write: false, gateway => new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, path)), LockAnswers.ReadHolderAsync, cancellationToken);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> only if no higher token than <paramref name="fence"/>'s has been seen for its lock.</summary>
    /// <exception cref="SynodException">Code <see cref="SynodErrorCodes.Fenced"/>: a later holder of the lock has written, nothing changed. Otherwise as the unfenced put.</exception>
    public Task PutAsync(string key, ReadOnlyMemory<byte> value, SynodFence fence, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key);
        var header = FenceHeader(fence);
        return RunAsync<bool>(
            "put",
            write: true,
            gateway => Fenced(new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, path)) { Content = new ReadOnlyMemoryContent(value) }, header),
            (response, token) => GatewayAnswers.ExpectOkAsync(response, "put", token),
            cancellationToken,
            key);
    }

    /// <summary>A fenced put of bytes; see <see cref="PutAsync(string, ReadOnlyMemory{byte}, SynodFence, CancellationToken)"/>.</summary>
    public Task PutAsync(string key, byte[] value, SynodFence fence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, new ReadOnlyMemory<byte>(value), fence, cancellationToken);
    }

    /// <summary>A fenced put of UTF-8 text; see <see cref="PutAsync(string, ReadOnlyMemory{byte}, SynodFence, CancellationToken)"/>.</summary>
    public Task PutAsync(string key, string value, SynodFence fence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return PutAsync(key, Encoding.UTF8.GetBytes(value), fence, cancellationToken);
    }

    /// <summary>Removes <paramref name="key"/> only if no higher token than <paramref name="fence"/>'s has been seen for its lock. True if it existed.</summary>
    /// <exception cref="SynodException">Code <see cref="SynodErrorCodes.Fenced"/>: a later holder of the lock has written, nothing changed.</exception>
    public Task<bool> DeleteAsync(string key, SynodFence fence, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key);
        var header = FenceHeader(fence);
        return RunAsync("delete", write: true, gateway => Fenced(new HttpRequestMessage(HttpMethod.Delete, new Uri(gateway, path)), header), GatewayAnswers.ReadExistedAsync, cancellationToken, key);
    }

    /// <summary>A compare-and-set that applies only if no higher token than <paramref name="fence"/>'s has been seen for its lock.</summary>
    /// <exception cref="SynodException">Code <see cref="SynodErrorCodes.Fenced"/>: a later holder of the lock has written, nothing changed.</exception>
    public Task<CompareAndSetResult> CompareAndSetAsync(string key, byte[]? expected, byte[]? replacement, SynodFence fence, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(key) + "/cas";
        var header = FenceHeader(fence);
        var replaced = replacement?.ToArray();
        var body = new WireCompareAndSetRequest(expected?.ToArray(), expected is null, replaced, replacement is null);
        return RunAsync(
            "compare-and-set",
            write: true,
            gateway => Fenced(
                new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path)) { Content = JsonContent.Create(body, SynodClientJsonContext.Default.WireCompareAndSetRequest) },
                header),
            (response, token) => GatewayAnswers.ReadCompareAndSetAsync(response, replaced, token),
            cancellationToken,
            key);
    }

    /// <summary>A fenced compare-and-set of UTF-8 text; see <see cref="CompareAndSetAsync(string, byte[], byte[], SynodFence, CancellationToken)"/>.</summary>
    public Task<CompareAndSetResult> CompareAndSetStringAsync(string key, string? expected, string? replacement, SynodFence fence, CancellationToken cancellationToken = default) =>
        CompareAndSetAsync(
            key,
            expected is null ? null : Encoding.UTF8.GetBytes(expected),
            replacement is null ? null : Encoding.UTF8.GetBytes(replacement),
            fence,
            cancellationToken);

    /// <summary>Releases the connection pool if the client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _slots.Dispose();
    }

    /// <summary>The client's own HttpClient: pooled connections renewed every 2 minutes (so DNS changes are seen), responses bounded.</summary>
    internal static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };

    // A request as a client span (null, and nothing more, while no one records): HttpClient sends
    // its context as traceparent, so the silo's spans join the trace.
    private async Task<T> RunAsync<T>(
        string operation,
        bool write,
        Func<Uri, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<T>> interpret,
        CancellationToken cancellationToken,
        string? key = null)
    {
        using Activity? span = SynodClientTelemetry.Source.StartActivity(SynodClientTelemetry.SpanName(operation), ActivityKind.Client);
        if (span is null)
        {
            return await SendThroughGatewaysAsync(operation, write, createRequest, interpret, cancellationToken, key).ConfigureAwait(false);
        }

        try
        {
            return await SendThroughGatewaysAsync(operation, write, createRequest, interpret, cancellationToken, key).ConfigureAwait(false);
        }
        catch (SynodException failure)
        {
            span.SetStatus(ActivityStatusCode.Error, failure.Code);
            throw;
        }
    }

    private async Task<T> SendThroughGatewaysAsync<T>(
        string operation,
        bool write,
        Func<Uri, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<T>> interpret,
        CancellationToken cancellationToken,
        string? key = null)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var fresh = 0; ; fresh++)
            {
                (IReadOnlyList<Uri>? routed, var group) = key is null || !_routeByDirectory ? (null, -1) : await _router.RouteAsync(key, cancellationToken).ConfigureAwait(false);
                var session = write ? _sessions.Rent(group) : null;
                var sent = 0;
                try
                {
                    var requestId = session?.NextRequestId();
                    using var response = await _failover.SendAsync(
                        operation,
                        gateway =>
                        {
                            sent++;
                            var request = createRequest(gateway);
                            if (requestId is not null)
                            {
                                request.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
                            }

                            return request;
                        },
                        cancellationToken,
                        routed,
                        _router.Invalidate).ConfigureAwait(false);
                    return await interpret(response, cancellationToken).ConfigureAwait(false);
                }
                catch (SynodException exception) when (exception.Code == SynodErrorCodes.SessionExpired && session is not null)
                {
                    // The cluster forgot the session (a group keeps a bounded number): only a fresh id
                    // is safe from here. When this was the request's only attempt, nothing of it was
                    // applied, so it is sent again under a fresh session; after earlier attempts whose
                    // outcome is unknown, the caller must decide.
                    session.Expire();
                    if (sent > 1 || fresh > 0)
                    {
                        throw;
                    }
                }
                finally
                {
                    if (session is not null)
                    {
                        _sessions.Return(session);
                    }
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Runs a key's operation in the protocol of its group: PBFT when the directory says the key
    /// belongs to a PBFT group (this client then authenticates the request for every replica and
    /// accepts f+1 matching replies itself), the gateways' HTTP API otherwise. A gateway that knows
    /// of a PBFT group this client's map does not yet answers <c>pbft_group</c>: the map is read
    /// again and the operation goes to the group (nothing was applied by that answer).
    /// </summary>
    private async Task<T> RouteAsync<T>(string key, Func<PbftGroupClient, CancellationToken, Task<T>> pbft, Func<Task<T>> gateway, CancellationToken cancellationToken)
    {
        if (await _router.PbftRouteAsync(key, cancellationToken).ConfigureAwait(false) is { } route)
        {
            return await RunPbftAsync(route, pbft, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await gateway().ConfigureAwait(false);
        }
        catch (SynodException stale) when (stale.Code == SynodErrorCodes.PbftGroup)
        {
            _router.Invalidate();
            if (await _router.PbftRouteAsync(key, cancellationToken).ConfigureAwait(false) is { } fresh)
            {
                return await RunPbftAsync(fresh, pbft, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }
    }

    private async Task<T> RunPbftAsync<T>(PbftRoute route, Func<PbftGroupClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _pbft.RunAsync(route, operation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The path of a key under a gateway's base address: <c>v1/kv/</c> and the key as one percent-encoded segment.</summary>
    private static string KeyPath(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key is "." or "..")
        {
            throw new ArgumentException("the keys '.' and '..' cannot be addressed over HTTP (URL normalisation removes such path segments)", nameof(key));
        }

        // EscapeDataString encodes '/' too, so any key is exactly one segment.
        return "v1/kv/" + Uri.EscapeDataString(key);
    }

    private const string FenceHeaderName = "Synod-Fence";

    /// <summary>The largest lease the cluster grants by default: 10 minutes.</summary>
    private static readonly TimeSpan MaxLease = TimeSpan.FromMinutes(10);

    private static string FenceHeader(SynodFence fence)
    {
        ArgumentNullException.ThrowIfNull(fence);
        return fence.HeaderValue();
    }

    private static HttpRequestMessage Fenced(HttpRequestMessage request, string header)
    {
        request.Headers.TryAddWithoutValidation(FenceHeaderName, header);
        return request;
    }

    private static HttpRequestMessage LockRequest(Uri gateway, string path, WireLockRequest body) =>
        new(HttpMethod.Post, new Uri(gateway, path)) { Content = JsonContent.Create(body, SynodClientJsonContext.Default.WireLockRequest) };

    /// <summary>A lease in whole milliseconds, rounded up; 1 ms to 10 minutes.</summary>
    private static ulong LeaseMs(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero || ttl > MaxLease)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "a lease is 1 ms to 10 minutes");
        }

        return (ulong)Math.Ceiling(ttl.TotalMilliseconds);
    }

    /// <summary>The path of a lock: <c>v1/locks/</c>, the name as one percent-encoded segment, and the action.</summary>
    private static string LockPath(string name, string? action)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "." or "..")
        {
            throw new ArgumentException("the lock names '.' and '..' cannot be addressed over HTTP (URL normalisation removes such path segments)", nameof(name));
        }

        return "v1/locks/" + Uri.EscapeDataString(name) + (action is null ? "" : "/" + action);
    }

    private static string DefaultLockOwner()
    {
        var host = Environment.MachineName;
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{(host.Length > 64 ? host[..64] : host)}:{Environment.ProcessId}:{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");
    }
}
