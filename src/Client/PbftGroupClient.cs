using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Client;

/// <summary>
/// A client of one PBFT group's key-value store (Castro and Liskov §4.1). It authenticates each
/// request (one MAC per replica, an increasing timestamp), sends it to the primary, and accepts a
/// result only once f+1 distinct replicas sent matching replies whose MACs verify: at least one of
/// them is correct, so no f faulty replicas (or the silos hosting them) can make it accept a wrong
/// result. It sends to the primary and the 2f replicas after it (replies come back on the calls that
/// reached each replica); when f+1 matching replies are not in within the retransmit timeout it
/// sends to every replica, which relay the request to the primary and, if it still does not
/// execute, move to a new view.
/// </summary>
/// <remarks>One operation at a time per client (its timestamps order its requests); not thread-safe.</remarks>
public sealed class PbftGroupClient
{
    private readonly HttpClient _http;
    private readonly PbftGroupClientOptions _options;
    private readonly ILogger _logger;
    private readonly byte[][] _keys;
    private readonly byte[] _session = Guid.NewGuid().ToByteArray();
    private ulong _timestamp;
    private ulong _sequence;
    private bool _registered;
    private ulong _view;

    /// <summary>Creates a client over <paramref name="http"/>, which it does not dispose.</summary>
    /// <exception cref="ArgumentException">The options name fewer than four replicas, not 3f+1 of them, or no client secret.</exception>
    public PbftGroupClient(HttpClient http, PbftGroupClientOptions options, ILogger<PbftGroupClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Replicas.Count < 4 || (options.Replicas.Count - 1) % 3 != 0 || options.ClientSecret.Length == 0)
        {
            throw new ArgumentException("A PBFT group client needs 3f+1 (at least 4) replica addresses and the client secret.", nameof(options));
        }

        _http = http;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _keys = [.. Enumerable.Range(0, options.Replicas.Count).Select(i => PbftClientKeys.Derive(options.ClientSecret, options.Group, options.ClientId, i))];
    }

    /// <summary>f: the faulty replicas the group tolerates.</summary>
    public int Faulty => (_options.Replicas.Count - 1) / 3;

    /// <summary>The replies accepted for the last operation's request (MAC verified), by replica; for tests and diagnostics.</summary>
    public IReadOnlyDictionary<int, PbftReply> LastReplies { get; private set; } = new Dictionary<int, PbftReply>();

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    /// <exception cref="SynodException">No f+1 matching replies in time (<see cref="SynodErrorCodes.Unavailable"/>), or the store refused the write.</exception>
    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default)
    {
        await EnsureRegisteredAsync(cancellationToken).ConfigureAwait(false);
        var command = new KvCommand
        {
            Put = new KvPut { Request = NextRequest(), Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) },
        };
        KvResult result = await InvokeAsync(new PbftOperation { Command = command.ToByteString() }, cancellationToken).ConfigureAwait(false);
        if (result.Status != KvResult.Types.Status.Ok)
        {
            throw Refused("write", result);
        }
    }

    /// <summary>Removes <paramref name="key"/>: true if it existed, false if it was already absent.</summary>
    /// <exception cref="SynodException">No f+1 matching replies in time (<see cref="SynodErrorCodes.Unavailable"/>), or the store refused the delete.</exception>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnsureRegisteredAsync(cancellationToken).ConfigureAwait(false);
        var command = new KvCommand
        {
            Delete = new KvDelete { Request = NextRequest(), Key = ByteString.CopyFromUtf8(key) },
        };
        KvResult result = await InvokeAsync(new PbftOperation { Command = command.ToByteString() }, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            KvResult.Types.Status.Ok => true,
            KvResult.Types.Status.NotFound => false,
            _ => throw Refused("delete", result),
        };
    }

    /// <summary>
    /// Replaces <paramref name="key"/>'s value with <paramref name="replacement"/> (null: deletes it)
    /// only if it currently is <paramref name="expected"/> (null: the key must be absent), atomically.
    /// </summary>
    /// <returns>Whether it was applied, and the key's value as the operation leaves it.</returns>
    /// <exception cref="SynodException">No f+1 matching replies in time, or the store refused the request.</exception>
    public async Task<CompareAndSetResult> CompareAndSetAsync(string key, byte[]? expected, byte[]? replacement, CancellationToken cancellationToken = default)
    {
        await EnsureRegisteredAsync(cancellationToken).ConfigureAwait(false);
        var cas = new KvCompareAndSet { Request = NextRequest(), Key = ByteString.CopyFromUtf8(key) };
        if (expected is null)
        {
            cas.ExpectedAbsent = new KvAbsent();
        }
        else
        {
            cas.ExpectedValue = ByteString.CopyFrom(expected);
        }

        if (replacement is null)
        {
            cas.DeleteKey = new KvAbsent();
        }
        else
        {
            cas.NewValue = ByteString.CopyFrom(replacement);
        }

        KvResult result = await InvokeAsync(new PbftOperation { Command = new KvCommand { CompareAndSet = cas }.ToByteString() }, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            KvResult.Types.Status.Ok => new CompareAndSetResult(true, replacement?.ToArray()),
            KvResult.Types.Status.CasMismatch or KvResult.Types.Status.NotFound => new CompareAndSetResult(false, result.HasValue ? result.Value.ToByteArray() : null),
            _ => throw Refused("compare-and-set", result),
        };
    }

    /// <summary>The value of <paramref name="key"/>, or null when it is absent; ordered with every write (linearizable).</summary>
    /// <exception cref="SynodException">No f+1 matching replies in time.</exception>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KvResult result = await InvokeAsync(new PbftOperation { Query = ByteString.CopyFromUtf8(key) }, cancellationToken).ConfigureAwait(false);
        return result.Status == KvResult.Types.Status.Ok ? result.Value.ToByteArray() : null;
    }

    private KvRequestId NextRequest() => new() { ClientId = ByteString.CopyFrom(_session), Sequence = ++_sequence };

    private SynodException Refused(string operation, KvResult result) =>
        new(SynodErrorCodes.BadRequest, $"PBFT group {_options.Group} refused the {operation}: {result.Status} {result.RejectReason}");

    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (_registered)
        {
            return;
        }

        var command = new KvCommand { RegisterClient = new KvRegisterClient { ClientId = ByteString.CopyFrom(_session) } };
        await InvokeAsync(new PbftOperation { Command = command.ToByteString() }, cancellationToken).ConfigureAwait(false);
        _registered = true;
    }

    private async Task<KvResult> InvokeAsync(PbftOperation operation, CancellationToken cancellationToken)
    {
        // Timestamps from the clock, never repeating: a restarted client with the same id still
        // sends timestamps above every one the replicas executed.
        _timestamp = Math.Max(_timestamp + 1, (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        var request = new PbftClientRequest { Client = _options.ClientId, Timestamp = _timestamp, Operation = operation.ToByteString() };
        PbftRequestMac.Authenticate(request, _keys.Length, i => _keys[i]);
        byte[] body = request.ToByteArray();
        var accepted = new Dictionary<int, PbftReply>();
        LastReplies = accepted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.OperationTimeout);
        // First to the primary and the 2f replicas after it: a replica can answer only a call that
        // reached it (replies travel back on the call), and among 2f+1 replicas at least f+1 are
        // correct, so with at most f faulty ones this needs no timeout. The backups relay the
        // request to the primary, as on the paper's client broadcast.
        int primary = (int)(_view % (ulong)_keys.Length);
        var pending = Enumerable.Range(0, (2 * Faulty) + 1).Select(k => SendAsync((primary + k) % _keys.Length, body, deadline.Token)).ToList();
        DateTimeOffset broadcastAt = DateTimeOffset.UtcNow + _options.RetransmitTimeout;
        while (!deadline.IsCancellationRequested)
        {
            TimeSpan wait = broadcastAt - DateTimeOffset.UtcNow;
            Task delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, deadline.Token);
            await Task.WhenAny([.. pending, delay]).ConfigureAwait(false);
            foreach (Task<(int Replica, PbftReply? Reply)> done in pending.Where(t => t.IsCompleted).ToArray())
            {
                pending.Remove(done);
                (int replica, PbftReply? reply) = await done.ConfigureAwait(false);
                if (reply is not null && Verify(replica, reply, request.Timestamp))
                {
                    accepted[replica] = reply;
                }
            }

            if (Matching(accepted) is { } result)
            {
                return result;
            }

            if (DateTimeOffset.UtcNow >= broadcastAt)
            {
                SynodClientLog.PbftBroadcast(_logger, _options.Group, request.Timestamp);
                pending.AddRange(Enumerable.Range(0, _keys.Length).Where(i => !accepted.ContainsKey(i)).Select(i => SendAsync(i, body, deadline.Token)));
                broadcastAt = DateTimeOffset.UtcNow + _options.RetransmitTimeout;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new SynodException(SynodErrorCodes.Unavailable, $"PBFT group {_options.Group}: no {Faulty + 1} matching replies within {_options.OperationTimeout.TotalSeconds} s");
    }

    // f+1 replies with the same result from distinct replicas: at least one is from a correct one.
    private KvResult? Matching(Dictionary<int, PbftReply> accepted)
    {
        foreach (IGrouping<ByteString, PbftReply> group in accepted.Values.GroupBy(r => r.Result))
        {
            if (group.Count() < Faulty + 1)
            {
                continue;
            }

            _view = group.Max(r => r.View);
            try
            {
                return KvResult.Parser.ParseFrom(group.Key);
            }
            catch (InvalidProtocolBufferException)
            {
                // f+1 replicas agree on bytes that are not a result: the group itself is broken.
                throw new SynodException(SynodErrorCodes.Protocol, $"PBFT group {_options.Group} agreed on a result that is not a KvResult");
            }
        }

        return null;
    }

    private bool Verify(int replica, PbftReply reply, ulong timestamp)
    {
        string? problem = reply.Status != PbftReply.Types.Status.Ok ? $"{reply.Status}: {reply.Detail}"
            : reply.Replica != (uint)replica ? $"claims to be replica {reply.Replica}"
            : reply.Client != _options.ClientId || reply.Timestamp != timestamp ? "answers another request"
            : !PbftReplyMac.Verify(_keys[replica], _options.Group, reply) ? "its MAC does not verify"
            : null;
        if (problem is not null)
        {
            SynodClientLog.PbftReplyDropped(_logger, _options.Group, replica, problem);
        }

        return problem is null;
    }

    private async Task<(int Replica, PbftReply? Reply)> SendAsync(int replica, byte[] body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_options.Replicas[replica], $"/v1/pbft/{Uri.EscapeDataString(_options.Group)}/request");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        try
        {
            using HttpResponseMessage response = await _http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (replica, null);
            }

            byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return (replica, bytes.Length <= SynodClient.MaxResponseBytes ? PbftReply.Parser.ParseFrom(bytes) : null);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException or InvalidProtocolBufferException)
        {
            // That replica's silo is down, slow or answered garbage: the other replicas decide.
            return (replica, null);
        }
    }
}
