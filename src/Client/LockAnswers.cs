using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Synod.Client;

/// <summary>Turns a gateway's answer to a lock request into a lease, a holder, or a <see cref="SynodException"/>.</summary>
internal static class LockAnswers
{
    /// <summary>200 granted: the lease; 409 lock_busy: the holder; anything else throws.</summary>
    public static async Task<SynodLockAttempt> ReadAcquireAsync(HttpResponseMessage response, DateTimeOffset sent, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(response, "lock acquire", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new SynodLockAttempt(Lease(response, "lock acquire", answer, sent), null);
        }

        if (answer.Code == SynodErrorCodes.LockBusy && answer.Owner is { } owner && answer.Token is { } token)
        {
            return new SynodLockAttempt(null, new SynodLockHolder(owner, token, answer.ExpiresAtMs ?? 0, answer.NowMs, answer.MaxClockDriftMs));
        }

        throw Failure(response, "lock acquire", answer);
    }

    /// <summary>200 renewed: the lease; 409 lease_lost: null; anything else throws.</summary>
    public static async Task<SynodLease?> ReadRenewAsync(HttpResponseMessage response, DateTimeOffset sent, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(response, "lock renew", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return Lease(response, "lock renew", answer, sent);
        }

        return answer.Code == SynodErrorCodes.LeaseLost ? null : throw Failure(response, "lock renew", answer);
    }

    /// <summary>200 released: true; 409 lease_lost: false; anything else throws.</summary>
    public static async Task<bool> ReadReleaseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(response, "lock release", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        return answer.Code == SynodErrorCodes.LeaseLost ? false : throw Failure(response, "lock release", answer);
    }

    /// <summary>200 held: the holder; 200 free: null; anything else throws.</summary>
    public static async Task<SynodLockHolder?> ReadHolderAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(response, "lock get", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Failure(response, "lock get", answer);
        }

        return answer switch
        {
            { State: "free" } => null,
            { State: "held", Owner: { } owner, Token: { } token } => new SynodLockHolder(owner, token, answer.ExpiresAtMs ?? 0, answer.NowMs, answer.MaxClockDriftMs),
            _ => throw Protocol(response, "lock get", "a lock state it does not know"),
        };
    }

    // The lease runs out expires - now after the group answered, which was after the request was
    // sent: counting that span from the send time never gives the client more than it has. The
    // rate difference of the two clocks is what the group's drift bound covers.
    private static SynodLease Lease(HttpResponseMessage response, string operation, WireLockAnswer answer, DateTimeOffset sent) =>
        answer is { Name: { } name, Owner: { } owner, Token: { } token, ExpiresAtMs: { } expires }
            ? new SynodLease(name, owner, token, expires, answer.NowMs, answer.MaxClockDriftMs, sent + TimeSpan.FromMilliseconds(expires > answer.NowMs ? expires - answer.NowMs : 0))
            : throw Protocol(response, operation, "a lease without its name, owner, token or expiry");

    private static async Task<WireLockAnswer> ReadAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await response.Content.ReadFromJsonAsync(SynodClientJsonContext.Default.WireLockAnswer, cancellationToken).ConfigureAwait(false);
            return answer ?? throw Protocol(response, operation, "an empty answer");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // Expected when the address is not a Synod silo (not JSON, or another shape).
            throw Protocol(response, operation, $"an answer that is not Synod's JSON ({exception.Message})");
        }
    }

    private static SynodException Failure(HttpResponseMessage response, string operation, WireLockAnswer answer) =>
        answer.Code is { Length: > 0 } code
            ? new SynodException(code, $"{operation}: {answer.Error ?? code}", (int)response.StatusCode)
            : Protocol(response, operation, $"{(int)response.StatusCode} {response.ReasonPhrase} without a Synod error body");

    private static SynodException Protocol(HttpResponseMessage response, string operation, string what) =>
        new(SynodErrorCodes.Protocol, $"{operation}: {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)} answered {what}; is it a Synod silo?", (int)response.StatusCode);
}
