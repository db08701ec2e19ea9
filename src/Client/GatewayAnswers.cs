using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Synod.Client;

/// <summary>Turns a gateway's answer into an operation's result, or into a <see cref="SynodException"/>.</summary>
internal static class GatewayAnswers
{
    private const string NotFoundCode = "not_found";
    private const string MismatchCode = "cas_mismatch";

    public static async Task<byte[]?> ReadValueAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        await ThrowUnlessAbsentAsync(response, "get", cancellationToken).ConfigureAwait(false);
        return null;
    }

    public static async Task<bool> ReadExistedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        await ThrowUnlessAbsentAsync(response, "delete", cancellationToken).ConfigureAwait(false);
        return false;
    }

    public static async Task<bool> ExpectOkAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public static async Task<CompareAndSetResult> ReadCompareAndSetAsync(HttpResponseMessage response, byte[]? replacement, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new CompareAndSetResult(true, replacement);
        }

        var error = await GatewayFailover.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict && error?.Code == MismatchCode)
        {
            return new CompareAndSetResult(false, error.Current);
        }

        throw Failure(response, "compare-and-set", error);
    }

    /// <summary>Reads a JSON answer of a successful (2xx) request, or throws the gateway's error.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string operation, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            T? answer = await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
            return answer ?? throw Protocol(response, operation, "an empty answer");
        }
        catch (JsonException exception)
        {
            // Expected when the address is not a Synod silo, or one of an incompatible version.
            throw Protocol(response, operation, $"an answer that is not Synod's JSON ({exception.Message})");
        }
    }

    public static async Task<SynodClusterStatus> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync(response, "status", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var status = await response.Content.ReadFromJsonAsync(SynodClientJsonContext.Default.SynodClusterStatus, cancellationToken).ConfigureAwait(false);
            return status ?? throw Protocol(response, "status", "an empty status");
        }
        catch (JsonException exception)
        {
            // Expected when the address is not a Synod silo, or one of an incompatible version.
            throw Protocol(response, "status", $"a status that is not Synod's JSON ({exception.Message})");
        }
    }

    private static async Task ThrowUnlessAbsentAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var error = await GatewayFailover.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && error?.Code == NotFoundCode)
        {
            return;
        }

        throw Failure(response, operation, error);
    }

    private static async Task<SynodException> FailureAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken) =>
        Failure(response, operation, await GatewayFailover.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false));

    // The body can be read once only; callers that have read it pass what they found.
    private static SynodException Failure(HttpResponseMessage response, string operation, WireError? error)
    {
        var status = (int)response.StatusCode;
        if (error?.Code is not { Length: > 0 } code)
        {
            return Protocol(response, operation, $"{status} {response.ReasonPhrase} without a Synod error body");
        }

        return new SynodException(code, $"{operation}: {error.Error ?? code}", status);
    }

    private static SynodException Protocol(HttpResponseMessage response, string operation, string what) =>
        new(SynodErrorCodes.Protocol, $"{operation}: {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)} answered {what}; is it a Synod silo?", (int)response.StatusCode);
}
