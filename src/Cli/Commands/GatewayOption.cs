using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>--gateway host:port</c> (or a full http/https URL), repeatable; without it, the development
/// cluster on 127.0.0.1:8081, :8082 and :8083.
/// </summary>
internal static class GatewayOption
{
    public static Option<string[]> Create()
    {
        var option = new Option<string[]>("--gateway", "-g")
        {
            Description = "A silo's HTTP API as host:port or http(s)://host:port; repeat for several (default: the dev cluster, 127.0.0.1:8081-8083)",
            Recursive = true,
            HelpName = "host:port",
        };
        option.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParse(text, out _))
                {
                    result.AddError($"--gateway '{text}' is not host:port or an http(s) URL");
                }
            }
        });
        return option;
    }

    public static SynodClientOptions Options(ParseResult parse, Option<string[]> option)
    {
        var options = new SynodClientOptions { PbftClientSecret = PbftKeysSource.ClientSecret() };
        foreach (var text in parse.GetValue(option) ?? [])
        {
            // The validator has accepted every value already.
            options.Gateways.Add(TryParse(text, out var uri) ? uri : throw new InvalidOperationException($"unvalidated gateway {text}"));
        }

        return options;
    }

    internal static bool TryParse(string text, [NotNullWhen(true)] out Uri? uri)
    {
        var hasScheme = text.Contains("://", StringComparison.Ordinal);
        if (Uri.TryCreate(hasScheme ? text : "http://" + text, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https"
            && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            && (hasScheme || HasPort(text)))
        {
            return true;
        }

        uri = null;
        return false;
    }

    // host:port or [v6]:port: a port after the last colon that is not inside brackets.
    private static bool HasPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && colon > text.LastIndexOf(']') && ushort.TryParse(text.AsSpan(colon + 1), out var port) && port > 0;
    }
}
