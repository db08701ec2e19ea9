using System.Diagnostics;
using Synod.Silo.Gateway;

namespace Synod.Silo.Telemetry;

/// <summary>
/// The key-value gateway as the HTTP API sees it: each request's duration by operation and outcome
/// (<c>synod.gateway.request.duration</c>), and a <c>synod.gateway.{operation}</c> span under the
/// HTTP server's (which continues the client's <c>traceparent</c>) — the parent of the grain call
/// to the leader. Nothing is timed or allocated for a histogram or a source nobody observes.
/// </summary>
internal sealed class MeteredKeyValueGateway(IKeyValueGateway inner, GatewayMetrics metrics) : IKeyValueGateway
{
    private static readonly string[] Outcomes = [.. Enum.GetValues<KeyValueOutcomeKind>().Select(Name)];

    public Task<KeyValueOutcome> GetAsync(string key, CancellationToken cancellationToken) =>
        MeasureAsync("get", "synod.gateway.get", () => inner.GetAsync(key, cancellationToken));

    public Task<KeyValueOutcome> PutAsync(string key, ReadOnlyMemory<byte> value, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        MeasureAsync("put", "synod.gateway.put", () => inner.PutAsync(key, value, requestId, fence, cancellationToken));

    public Task<KeyValueOutcome> DeleteAsync(string key, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        MeasureAsync("delete", "synod.gateway.delete", () => inner.DeleteAsync(key, requestId, fence, cancellationToken));

    public Task<KeyValueOutcome> CompareAndSetAsync(string key, ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? replacement, string? requestId, KeyValueFence? fence, CancellationToken cancellationToken) =>
        MeasureAsync("cas", "synod.gateway.cas", () => inner.CompareAndSetAsync(key, expected, replacement, requestId, fence, cancellationToken));

    public Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken) => inner.StatusAsync(cancellationToken);

    private async Task<KeyValueOutcome> MeasureAsync(string operation, string spanName, Func<Task<KeyValueOutcome>> call)
    {
        bool timed = metrics.RequestDuration.Enabled;
        long start = timed ? Stopwatch.GetTimestamp() : 0;
        using Activity? span = GatewayMetrics.Source.StartActivity(spanName, ActivityKind.Internal);
        string outcome = "error";
        try
        {
            KeyValueOutcome result = await call().ConfigureAwait(false);
            outcome = Outcomes[(int)result.Kind];
            span?.SetTag("synod.outcome", outcome);
            if (result.Kind is KeyValueOutcomeKind.Unavailable or KeyValueOutcomeKind.ShuttingDown)
            {
                span?.SetStatus(ActivityStatusCode.Error, result.Message);
            }

            return result;
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            if (timed)
            {
                metrics.RequestDuration.Record(
                    Stopwatch.GetElapsedTime(start).TotalSeconds,
                    metrics.Silo,
                    new KeyValuePair<string, object?>("operation", operation),
                    new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    // snake_case names of the outcome kinds (casmismatch → cas_mismatch), the HTTP API's words.
    private static string Name(KeyValueOutcomeKind kind) => kind switch
    {
        KeyValueOutcomeKind.Ok => "ok",
        KeyValueOutcomeKind.NotFound => "not_found",
        KeyValueOutcomeKind.CasMismatch => "cas_mismatch",
        KeyValueOutcomeKind.Fenced => "fenced",
        KeyValueOutcomeKind.SessionExpired => "session_expired",
        KeyValueOutcomeKind.BadRequest => "bad_request",
        KeyValueOutcomeKind.Unavailable => "unavailable",
        KeyValueOutcomeKind.ShuttingDown => "shutting_down",
        KeyValueOutcomeKind.PbftGroup => "pbft_group",
        _ => "other",
    };
}
