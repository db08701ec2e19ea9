using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>--fence NAME:TOKEN</c> on a key-value write: the lock's name as it was acquired (split at the
/// last ':', so a name may contain ':') and the token <c>synod lock acquire</c> printed.
/// </summary>
internal static class FenceOption
{
    public static Option<SynodFence?> Create() => new("--fence")
    {
        Description = "Guard the write with a lock's fencing token: NAME:TOKEN as `synod lock acquire` printed it; refused (fenced) if a higher token has been seen for NAME",
        HelpName = "NAME:TOKEN",
        CustomParser = Parse,
    };

    private static SynodFence? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var colon = text.LastIndexOf(':');
        if (colon > 0
            && ulong.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var token)
            && token > 0)
        {
            return new SynodFence(text[..colon], token);
        }

        result.AddError($"--fence '{text}' is not NAME:TOKEN with a token from 1");
        return null;
    }
}
