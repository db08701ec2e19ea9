using System.CommandLine;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// Runs a command that talks to the cluster: builds the client from <c>--gateway</c>, and turns a
/// failure into one line on standard error and <see cref="ExitCodes.Failed"/>.
/// </summary>
internal static class ClientCommand
{
    public delegate Task<int> Body(SynodClient client, TextWriter output, TextWriter error, CancellationToken cancellationToken);

    public static async Task<int> RunAsync(ParseResult parse, Option<string[]> gateways, Body body, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            using var client = new SynodClient(GatewayOption.Options(parse, gateways));
            return await body(client, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (SynodException exception)
        {
            // Expected: the cluster refused the request or could not be reached; the message says which.
            await error.WriteLineAsync($"synod: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
