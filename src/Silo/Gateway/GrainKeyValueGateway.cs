using System.Diagnostics;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.KeyValue;
using Synod.Runtime.Grains;
using Synod.Silo.Dashboard;
using Synod.Silo.Hosting;
using KvResult = Synod.Grains.KeyValue.KvResult;

namespace Synod.Silo.Gateway;

/// <summary>
/// The key-value gateway over replica grains: routes a key to its group, finds the leader
/// (following NotLeader hints, trying the next replica when one cannot be reached), retries a
/// command whose outcome is unknown with the same request id (the group's sessions apply it once),
/// and gives up with <see cref="KeyValueOutcomeKind.Unavailable"/> after a deadline.
/// </summary>
internal sealed class GrainKeyValueGateway(IGrainFactory grains, LayoutHolder layout, Func<Task<ClusterStatus>> status, TimeSpan deadline) : IKeyValueGateway, IDisposable
{
    /// <summary>Largest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>Largest value, in bytes.</summary>
    public const int MaxValueBytes = 1024 * 1024;

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    // A relayed attempt crosses two links before the leader commits.
    private static readonly TimeSpan RelayAttemptTimeout = TimeSpan.FromSeconds(3);

    // How long a direct call to the leader may go unanswered before the same call is also sent
    // through another silo (well above a commit's latency, so rarely done while the link is up).
    private static readonly TimeSpan RelayHedgeAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a group's calls keep going through a relay before the direct route is tried again.</summary>
    public static readonly TimeSpan RelayRouteLifetime = TimeSpan.FromSeconds(10);

    private readonly KvSessionPool _sessions = new(256);
    // Read on every call and written only when they change: lock-free maps (a lock here was a
    // contention point at 64 calls in flight).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ulong> _leaders = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Silo, long Until)> _relays = new(StringComparer.Ordinal);
    private long _relayedCalls;

    // Per silo, when a direct call to it last came back with an answer (Stopwatch ticks): a slow
    // call to a silo that answers other calls is a busy leader, not a cut link, and is not hedged.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, StrongBox<long>> _answeredAt = new();

    /// <summary>Latencies of the key-value requests that reached a group (the dashboard's charts).</summary>
    public RequestLatencyRecorder Latencies { get; } = new();

    public async Task<KeyValueOutcome> GetAsync(string key, CancellationToken cancellationToken)
    {
        if ((CheckKey(key) ?? PbftRefusal(key)) is { } bad)
        {
            return bad;
        }

        long started = RequestLatencyRecorder.Start();
        byte[] keyBytes = ClusterLayout.KeyBytes(key);
        if (UnsafeLocalReadsSilo is { } silo && UnsafeLocalReplica(layout.Current.GroupOf(keyBytes), silo) is { } local)
        {
            ReplicaAnswer? unsafeAnswer = await TryCallAsync(
                grains.GetGrain(local), (replica, token) => replica.InvokeAsync<ReplicaRead, ReplicaAnswer>(new ReplicaRead { Query = ByteString.CopyFrom(keyBytes), UnsafeLocal = true }, token), AttemptTimeout, cancellationToken).ConfigureAwait(false);
            Latencies.RecordSince(started);
            return unsafeAnswer is { Status: ReplicaAnswer.Types.Status.Ok } ? ToOutcome(unsafeAnswer) : NoQuorum();
        }

        ReplicaAnswer? answer = await CallLeaderAsync(
            layout.Current.GroupOf(keyBytes),
            (replica, token) => replica.InvokeAsync<ReplicaRead, ReplicaAnswer>(new ReplicaRead { Query = ByteString.CopyFrom(keyBytes) }, token),
            cancellationToken).ConfigureAwait(false);
        Latencies.RecordSince(started);
        return answer is null ? NoQuorum() : ToOutcome(answer);
    }

    /// <summary>
    /// Set with Synod:Testing:UnsafeLocalReads to this silo's id: GET is answered by this silo's own
    /// replica of the key's group whatever its role (a deliberately broken, non-linearizable mode).
    /// </summary>
    public int? UnsafeLocalReadsSilo { get; init; }

    private GrainId? UnsafeLocalReplica(string group, int silo) =>
        layout.Current.Group(group).Replicas.FirstOrDefault(r => r.Silo == silo) is { } placement
            ? ClusterLayout.ReplicaGrain(group, placement.Replica)
            : null;

    public Task<KeyValueOutcome> PutAsync(string key, ReadOnlyMemory<byte> value, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        value.Length > MaxValueBytes
            ? Task.FromResult(new KeyValueOutcome(KeyValueOutcomeKind.BadRequest, Message: $"the value has {value.Length} bytes; the limit is {MaxValueBytes}"))
            : WriteAsync(key, requestId, (request, keyBytes) => KvCommands.Put(request, keyBytes, ByteString.CopyFrom(value.Span), fence: Fence(fence)), cancellationToken);

    public Task<KeyValueOutcome> DeleteAsync(string key, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        WriteAsync(key, requestId, (request, keyBytes) => KvCommands.Delete(request, keyBytes, fence: Fence(fence)), cancellationToken);

    public Task<KeyValueOutcome> CompareAndSetAsync(string key, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? replacement, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        replacement is { Length: > MaxValueBytes }
            ? Task.FromResult(new KeyValueOutcome(KeyValueOutcomeKind.BadRequest, Message: $"the value is over {MaxValueBytes} bytes"))
            : WriteAsync(
                key,
                requestId,
                (request, keyBytes) => KvCommands.CompareAndSet(
                    request, keyBytes, expected is { } e ? ByteString.CopyFrom(e.Span) : null, replacement is { } r ? ByteString.CopyFrom(r.Span) : null, Fence(fence)),
                cancellationToken);

    private static KvFence? Fence(KeyValueFence? fence) => fence is null ? null : KvCommands.Fence(fence.LockName, fence.Token);

    public Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken) => status();

    public void Dispose() => _sessions.Dispose();

    private async Task<KeyValueOutcome> WriteAsync(string key, string? requestId, Func<KvRequestId, ByteString, byte[]> command, CancellationToken cancellationToken)
    {
        if ((CheckKey(key) ?? PbftRefusal(key)) is { } bad)
        {
            return bad;
        }

        long started = RequestLatencyRecorder.Start();
        try
        {
            return await WriteToGroupAsync(key, requestId, command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Latencies.RecordSince(started);
        }
    }

    private async Task<KeyValueOutcome> WriteToGroupAsync(string key, string? requestId, Func<KvRequestId, ByteString, byte[]> command, CancellationToken cancellationToken)
    {
        ByteString keyBytes = ByteString.CopyFromUtf8(key);
        string group = layout.Current.GroupOf(keyBytes.Span);
        if (requestId is not null)
        {
            return await WriteAsClientAsync(group, requestId, keyBytes, command, cancellationToken).ConfigureAwait(false);
        }

        KvSession session = await _sessions.RentAsync(group, cancellationToken).ConfigureAwait(false);
        bool keep = false;
        try
        {
            if (!session.Registered && !await RegisterAsync(session, cancellationToken).ConfigureAwait(false))
            {
                return NoQuorum();
            }

            session.Sequence++;
            byte[] bytes = command(KvCommands.Request(session.ClientId, session.Sequence), keyBytes);
            ReplicaAnswer? answer = await ProposeAsync(group, bytes, cancellationToken).ConfigureAwait(false);
            KeyValueOutcome outcome = answer is null ? NoQuorum() : ToOutcome(answer);

            // A session whose request may still be pending (no answer) or that the group forgot
            // is not lent again: its next request could be mistaken for a stale one.
            keep = answer is not null && outcome.Message != SessionExpired;
            return outcome;
        }
        finally
        {
            _sessions.Return(session, keep);
        }
    }

    /// <summary>
    /// A write that carries the client's own request id (<c>CLIENT:SEQUENCE</c>): proposed under the
    /// client's session in the key's group, so a retry through any silo is applied once. Request 1
    /// opens the session in the same entry (<c>open_session</c>), so every write is one commit; a
    /// later request for a session the group does not know is answered <c>session_expired</c> and
    /// not applied (the client must take a new CLIENT id), never silently re-registered.
    /// </summary>
    private async Task<KeyValueOutcome> WriteAsClientAsync(string group, string requestId, ByteString keyBytes, Func<KvRequestId, ByteString, byte[]> command, CancellationToken cancellationToken)
    {
        int colon = requestId.IndexOf(':', StringComparison.Ordinal);
        ByteString client = ByteString.CopyFromUtf8(requestId[..colon]);
        ulong sequence = ulong.Parse(requestId.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        ReplicaAnswer? answer = await ProposeAsync(group, command(KvCommands.Request(client, sequence, openSession: sequence == 1), keyBytes), cancellationToken).ConfigureAwait(false);
        KeyValueOutcome outcome = answer is null ? NoQuorum() : ToOutcome(answer);
        return outcome.Message == SessionExpired
            ? new KeyValueOutcome(KeyValueOutcomeKind.SessionExpired, Message: $"group {group} does not know session {requestId[..colon]} (never opened by request 1, or forgotten); this attempt was not applied: use a new client id")
            : outcome;
    }

    private async Task<bool> RegisterAsync(KvSession session, CancellationToken cancellationToken)
    {
        ReplicaAnswer? answer = await ProposeAsync(session.Group, KvCommands.RegisterClient(session.ClientId), cancellationToken).ConfigureAwait(false);
        session.Registered = answer is { Status: ReplicaAnswer.Types.Status.Ok };
        return session.Registered;
    }

    /// <summary>Reads from any group's leader (the meta group's directory, for one); null when it does not answer in time.</summary>
    public Task<ReplicaAnswer?> ReadGroupAsync(string group, byte[] query, CancellationToken cancellationToken, bool stale = false) =>
        CallLeaderAsync(
            group,
            (replica, token) => replica.InvokeAsync<ReplicaRead, ReplicaAnswer>(new ReplicaRead { Query = ByteString.CopyFrom(query), Stale = stale }, token),
            cancellationToken);

    /// <summary>Proposes to any group's leader; null when it does not answer in time.</summary>
    public Task<ReplicaAnswer?> ProposeAsync(string group, byte[] command, CancellationToken cancellationToken) =>
        CallLeaderAsync(
            group,
            (replica, token) => replica.InvokeAsync<ReplicaProposal, ReplicaAnswer>(new ReplicaProposal { Command = ByteString.CopyFrom(command) }, token),
            cancellationToken);

    /// <summary>Asks the group's leader for a single-server membership change; null when it does not answer in time.</summary>
    public Task<ReplicaAnswer?> ChangeMembershipAsync(string group, ReplicaMembershipChange change, CancellationToken cancellationToken) =>
        CallLeaderAsync(
            group,
            (replica, token) => replica.InvokeAsync<ReplicaMembershipChange, ReplicaAnswer>(change, token),
            cancellationToken);

    /// <summary>Calls the group's leader until it answers OK or Rejected; null when the deadline passes.</summary>
    /// <remarks>
    /// When this silo cannot reach the leader's silo but a follower elsewhere names it (a partial
    /// partition: the leader still leads, only this link is cut), the call goes through that
    /// follower's silo (<see cref="Relay"/>), and the group's calls keep that route for
    /// <see cref="RelayRouteLifetime"/> before trying the direct one again. The same command bytes
    /// travel either way, so a write tried directly and then relayed is still applied once.
    /// </remarks>
    private async Task<ReplicaAnswer?> CallLeaderAsync(string group, Func<IGrainReference, CancellationToken, Task<ReplicaAnswer>> call, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        ulong replica = Leader(group);
        int? via = RelayRoute(group);
        HashSet<ulong>? unreachable = null;
        while (clock.Elapsed < deadline)
        {
            GrainId grain = ClusterLayout.ReplicaGrain(group, replica);
            ReplicaAnswer? answer;
            int? answeredVia = via;
            if (via is { } relaySilo && Relay is { } relay)
            {
                answer = await TryCallAsync(relay(grain, relaySilo), call, RelayAttemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (answer, answeredVia) = await HedgedCallAsync(group, replica, grain, call, cancellationToken).ConfigureAwait(false);
            }

            switch (answer?.Status)
            {
                case ReplicaAnswer.Types.Status.Ok:
                case ReplicaAnswer.Types.Status.Rejected when answer.Detail.StartsWith(CommandTooLarge, StringComparison.Ordinal):
                    Remember(group, replica, answeredVia);
                    return answer;
                case ReplicaAnswer.Types.Status.Rejected:
                    // Temporary (too many uncommitted entries or pending reads, a transfer in
                    // progress): wait and try again until the deadline.
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                    continue;
                case ReplicaAnswer.Types.Status.NotLeader when answer.LeaderHint != replica && layout.Current.ReplicasOf(group).Contains(answer.LeaderHint):
                    if (via is null && unreachable?.Contains(answer.LeaderHint) == true)
                    {
                        // A replica we just reached names a leader we could not reach: go through its silo.
                        via = RelayCandidate(group, replica, answer.LeaderHint);
                    }

                    replica = answer.LeaderHint;
                    continue;
                case ReplicaAnswer.Types.Status.UnknownOutcome:
                    // Same command, same request id: the session answers from its saved response if it was applied.
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    if (via is not null)
                    {
                        // The relay did not get through either: forget the route, go direct again.
                        ForgetRelay(group);
                        via = null;
                    }
                    else if (answer is null)
                    {
                        (unreachable ??= []).Add(replica);
                    }

                    replica = NextReplica(group, replica);
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// Calls <paramref name="replica"/> directly; when it has not answered within
    /// <see cref="RelayHedgeAfter"/>, also through another silo holding a replica of the group, and
    /// takes the first answer (with the silo it came through, null for the direct one) — unless the
    /// leader's silo answered another direct call within that delay: then it is busy, not cut off,
    /// and a second copy of the call would only add load (and move the group's route). A cut link
    /// to the leader's silo then costs that delay rather than the whole direct attempt (issue 8's
    /// availability under a partial partition: without it the first write through a cut-off gateway
    /// waited the 2 s attempt timeout). Both carry the same command bytes, so a write that arrives
    /// twice is still applied once (the session answers the second from its saved response). When
    /// the direct attempt fails or times out, the relayed one is abandoned, so an unreachable
    /// leader is given up on no later than before.
    /// </summary>
    private async Task<(ReplicaAnswer? Answer, int? Via)> HedgedCallAsync(string group, ulong replica, GrainId grain, Func<IGrainReference, CancellationToken, Task<ReplicaAnswer>> call, CancellationToken cancellationToken)
    {
        int leaderSilo = layout.Current.SiloOf(group, new Consensus.Raft.ReplicaId(replica)).Value;
        if (Relay is null || leaderSilo == Self)
        {
            // Nothing to hedge with, or the leader is here: the plain call, with nothing extra per call.
            return (await TryCallAsync(grains.GetGrain(grain), call, AttemptTimeout, cancellationToken).ConfigureAwait(false), null);
        }

        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        StrongBox<long> answeredAt = _answeredAt.GetOrAdd(leaderSilo, _ => new StrongBox<long>(0));
        Task<ReplicaAnswer?> direct = Answered(TryCallAsync(grains.GetGrain(grain), call, AttemptTimeout, cancellationToken), answeredAt);
        if (Relay is not { } relay
            || RelayCandidate(group, replica, replica) is not { } silo
            || await Task.WhenAny(direct, Task.Delay(RelayHedgeAfter, abandon.Token)).ConfigureAwait(false) == direct
            || Stopwatch.GetElapsedTime(Volatile.Read(ref answeredAt.Value)) < RelayHedgeAfter)
        {
            ReplicaAnswer? answer = await direct.ConfigureAwait(false);
            await abandon.CancelAsync().ConfigureAwait(false);
            return (answer, null);
        }

        Task<ReplicaAnswer?> relayed = TryCallAsync(relay(grain, silo), call, RelayAttemptTimeout, abandon.Token);
        Task<ReplicaAnswer?> first = await Task.WhenAny(direct, relayed).ConfigureAwait(false);
        if (await first.ConfigureAwait(false) is { } quick)
        {
            await abandon.CancelAsync().ConfigureAwait(false);
            return (quick, first == relayed ? silo : null);
        }

        if (first == direct)
        {
            // The direct attempt failed or ran out of time: give the leader up as before.
            await abandon.CancelAsync().ConfigureAwait(false);
            try
            {
                await relayed.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abandon.IsCancellationRequested)
            {
                // Abandoned above: its answer no longer matters.
            }

            return (null, null);
        }

        return (await direct.ConfigureAwait(false), null);
    }

    // Notes when a direct call came back with an answer, for the hedge's "does that silo answer at all" test.
    private static async Task<ReplicaAnswer?> Answered(Task<ReplicaAnswer?> call, StrongBox<long> answeredAt)
    {
        ReplicaAnswer? answer = await call.ConfigureAwait(false);
        if (answer is not null)
        {
            Volatile.Write(ref answeredAt.Value, Stopwatch.GetTimestamp());
        }

        return answer;
    }

    /// <summary>
    /// Passes a call to a replica through another silo (see <c>SiloRuntime.GetGrainVia</c>); null
    /// (the default) turns relaying off. Set by the host.
    /// </summary>
    public Func<GrainId, int, IGrainReference>? Relay { get; init; }

    /// <summary>This gateway's silo (never chosen as a relay).</summary>
    public int Self { get; init; }

    /// <summary>Calls this gateway sent through another silo because it could not reach the leader's.</summary>
    public long RelayedCalls => Interlocked.Read(ref _relayedCalls);

    // The silo to relay through: the one of the replica that named the leader, unless that is this
    // silo or the leader's own; otherwise another silo that holds a replica of the group.
    private int? RelayCandidate(string group, ulong answered, ulong leader)
    {
        if (Relay is null)
        {
            return null;
        }

        ClusterLayout current = layout.Current;
        int leaderSilo = current.SiloOf(group, new Consensus.Raft.ReplicaId(leader)).Value;
        IEnumerable<int> candidates = [current.SiloOf(group, new Consensus.Raft.ReplicaId(answered)).Value,
            .. current.ReplicasOf(group).Select(r => current.SiloOf(group, new Consensus.Raft.ReplicaId(r)).Value)];
        foreach (int silo in candidates)
        {
            if (silo != Self && silo != leaderSilo && silo != 0)
            {
                return silo;
            }
        }

        return null;
    }

    private static async Task<ReplicaAnswer?> TryCallAsync(IGrainReference grain, Func<IGrainReference, CancellationToken, Task<ReplicaAnswer>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // One attempt may not use the whole deadline: a replica whose silo just died looks alive
        // until its heartbeats are missed, and the next replica may already lead.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            return await call(grain, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is GrainCallException or GrainUnavailableException or ObjectDisposedException)
        {
            // The replica's silo is down, the replica cannot activate, or this silo is stopping:
            // the caller tries another replica.
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // This attempt ran out of time; the caller tries another replica.
            return null;
        }
    }

    private int? RelayRoute(string group)
    {
        return _relays.TryGetValue(group, out (int Silo, long Until) route) && Stopwatch.GetTimestamp() < route.Until ? route.Silo : null;
    }

    private void ForgetRelay(string group)
    {
        _relays.TryRemove(group, out _);
    }

    /// <summary>The replica this gateway last found leading <paramref name="group"/>, or null.</summary>
    public ulong? KnownLeader(string group)
    {
        return _leaders.TryGetValue(group, out ulong replica) ? replica : null;
    }

    private ulong Leader(string group)
    {
        if (_leaders.TryGetValue(group, out ulong known))
        {
            return known;
        }

        return NextReplica(group, 0);
    }

    // The group's next replica after this one in id order, wrapping around (its replica ids
    // change as replicas move).
    private ulong NextReplica(string group, ulong replica)
    {
        IReadOnlyList<ulong> replicas = layout.Current.ReplicasOf(group);
        if (replicas.Count == 0)
        {
            return 1;
        }

        foreach (ulong id in replicas)
        {
            if (id > replica)
            {
                return id;
            }
        }

        return replicas[0];
    }

    private void Remember(string group, ulong replica, int? via)
    {
        if (!_leaders.TryGetValue(group, out ulong known) || known != replica)
        {
            _leaders[group] = replica;
        }

        if (via is { } silo)
        {
            // Keep the relayed route for a while, then try the direct one again.
            _relays[group] = (silo, Stopwatch.GetTimestamp() + (long)(RelayRouteLifetime.TotalSeconds * Stopwatch.Frequency));
        }
        else if (_relays.ContainsKey(group))
        {
            // (Looked up first: a lookup takes no lock, a removal does.)
            _relays.TryRemove(group, out _);
        }

        if (via is not null)
        {
            Interlocked.Increment(ref _relayedCalls);
        }
    }

    private const string SessionExpired = "the gateway's session expired; retry";

    /// <summary>How a replica's answer to an oversized command begins (see RaftReplicaGrain).</summary>
    private const string CommandTooLarge = "the command has";

    /// <summary>
    /// Whether a group name is one of the cluster's PBFT groups (set by the host; none by default).
    /// A key under such a group's namespace (<see cref="PbftKeyNamespace"/>) is not served here.
    /// </summary>
    public Func<string, bool> IsPbftGroup { get; init; } = _ => false;

    /// <summary>
    /// The answer for a key that belongs to a PBFT group: the gateway does not speak for it, since a
    /// client that trusted one silo's word for a PBFT group's result would lose what PBFT gives (f+1
    /// matching replies from distinct replicas); the client must send PBFT requests itself.
    /// </summary>
    private KeyValueOutcome? PbftRefusal(string key) =>
        PbftKeyNamespace.CandidateGroup(key) is { } group && IsPbftGroup(group)
            ? new KeyValueOutcome(
                KeyValueOutcomeKind.PbftGroup,
                Message: $"the key belongs to PBFT group {group}, which a gateway does not answer for: send PBFT requests to its replicas (POST /v1/pbft/{group}/request, listed in GET /v1/directory); SynodClient does this itself")
            : null;

    private static KeyValueOutcome? CheckKey(string key) =>
        string.IsNullOrEmpty(key) || System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyBytes
            ? new KeyValueOutcome(KeyValueOutcomeKind.BadRequest, Message: $"a key has 1 to {MaxKeyBytes} UTF-8 bytes")
            : null;

    private static KeyValueOutcome NoQuorum() =>
        new(KeyValueOutcomeKind.Unavailable, Message: "the key's group did not answer in time (no leader or no quorum)");

    private static KeyValueOutcome ToOutcome(ReplicaAnswer answer)
    {
        if (answer.Status != ReplicaAnswer.Types.Status.Ok)
        {
            return new KeyValueOutcome(KeyValueOutcomeKind.BadRequest, Message: answer.Detail);
        }

        if (!KvResultCodec.TryDecode(answer.Result.Span, out KvResult? result))
        {
            return new KeyValueOutcome(KeyValueOutcomeKind.Unavailable, Message: "the replica's answer could not be decoded");
        }

        // Spelled out: in a conditional, null would become an empty value through the implicit
        // conversion from arrays, and "absent" would read as "empty".
        ReadOnlyMemory<byte>? value = null;
        if (result.Value is { } v)
        {
            value = v.Memory;
        }

        return result.Status switch
        {
            KvStatus.Ok => new KeyValueOutcome(KeyValueOutcomeKind.Ok, value, Index: answer.Index),
            KvStatus.NotFound => new KeyValueOutcome(KeyValueOutcomeKind.NotFound, Message: "no such key", Index: answer.Index),
            KvStatus.CasMismatch => new KeyValueOutcome(KeyValueOutcomeKind.CasMismatch, value, "the current value differs from the expected one", answer.Index),
            KvStatus.Fenced => new KeyValueOutcome(KeyValueOutcomeKind.Fenced, Message: "a higher fencing token has been seen for the lock; the write was not applied", Index: answer.Index),
            KvStatus.SessionExpired => new KeyValueOutcome(KeyValueOutcomeKind.Unavailable, Message: SessionExpired),
            KvStatus.StaleRequest => new KeyValueOutcome(KeyValueOutcomeKind.Unavailable, Message: "the request was superseded; retry"),
            _ => new KeyValueOutcome(KeyValueOutcomeKind.BadRequest, Message: $"rejected: {result.RejectReason}"),
        };
    }
}
