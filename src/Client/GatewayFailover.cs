using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Synod.Client;

/// <summary>
/// Sends one operation to the gateways until one answers: it starts with the gateway that last
/// answered, moves to the next on a connection failure, a per-attempt timeout or a 503, and
/// pauses with a doubling delay after each full round. The caller builds a fresh request for each
/// attempt with the same request id, which is what makes a retried write safe. Any other answer,
/// 4xx or 5xx, is the cluster's and goes back to the caller as it is.
/// </summary>
internal sealed class GatewayFailover
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _gateways;
    private readonly SynodClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _preferred;

    public GatewayFailover(HttpClient http, SynodClientOptions options, TimeProvider time, ILogger logger)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;

        // A base address must end in '/' for relative paths to go under it rather than replace its last segment.
        _gateways = [.. options.EffectiveGateways.Select(g => g.AbsoluteUri.EndsWith('/') ? g : new Uri(g.AbsoluteUri + "/"))];
    }

    public IReadOnlyList<Uri> Gateways => _gateways;

    /// <summary>The answer of the first gateway that gave one that is not a 503; the caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        string operation, Func<Uri, HttpRequestMessage> createRequest, CancellationToken cancellationToken, IReadOnlyList<Uri>? routed = null, Action? routeFailed = null)
    {
        var start = Volatile.Read(ref _preferred);
        var lastProblem = "";
        Exception? lastError = null;
        foreach (var gateway in routed ?? [])
        {
            // The silos of the key's group from the directory, its leader's first: each tried once
            // before the configured gateways' rotation.
            (var answer, lastProblem, lastError) = await TryOnceAsync(gateway, createRequest, cancellationToken).ConfigureAwait(false);
            if (answer is not null)
            {
                return answer;
            }

            routeFailed?.Invoke();
        }

        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            if (attempt > 0 && attempt % _gateways.Count == 0)
            {
                await Task.Delay(Backoff(attempt / _gateways.Count), _time, cancellationToken).ConfigureAwait(false);
            }

            var index = (start + attempt) % _gateways.Count;
            var gateway = _gateways[index];
            (var response, lastProblem, lastError) = await TryOnceAsync(gateway, createRequest, cancellationToken).ConfigureAwait(false);
            if (response is not null)
            {
                Volatile.Write(ref _preferred, index);
                return response;
            }

            SynodClientLog.AttemptFailed(_logger, operation, attempt + 1, gateway, lastProblem);
        }

        SynodClientLog.AttemptsExhausted(_logger, operation, _options.MaxAttempts, lastProblem);
        throw new SynodException(
            SynodErrorCodes.Unavailable,
            $"{operation}: no gateway answered in {_options.MaxAttempts} attempts; last: {lastProblem}",
            innerException: lastError);
    }

    private async Task<(HttpResponseMessage? Response, string Problem, Exception? Error)> TryOnceAsync(
        Uri gateway, Func<Uri, HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        using var request = createRequest(gateway);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            // Expected when a silo is down or restarting: refused, reset, or an answer that is not HTTP.
            // The request may or may not have reached the cluster; the retry carries the same request id.
            return (null, $"{gateway.Authority}: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Our per-attempt timeout (or the HttpClient's own), not the caller's cancellation.
            return (null, $"{gateway.Authority}: no answer within {_options.RequestTimeout.TotalSeconds:0.###} s", exception);
        }

        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return (response, "", null);
        }

        using (response)
        {
            var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return (null, $"{gateway.Authority}: {error?.Error ?? "503 Service Unavailable"}", null);
        }
    }

    /// <summary>The JSON error body of an answer, or null when it has none (a proxy's page, an empty body).</summary>
    public static async Task<WireError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(SynodClientJsonContext.Default.WireError, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // Expected when something other than a silo answered; the caller reports the status instead.
            return null;
        }
        catch (NotSupportedException)
        {
            // Expected for a body that is not JSON at all (text/html): ReadFromJsonAsync refuses its content type.
            return null;
        }
    }

    private TimeSpan Backoff(int round)
    {
        var delay = _options.RetryBaseDelay * Math.Pow(2, Math.Min(round - 1, 20));
        return delay < _options.RetryMaxDelay ? delay : _options.RetryMaxDelay;
    }
}
