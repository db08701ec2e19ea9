using System.Text.Json;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// Where the CLI finds the PBFT client secret it needs for keys of a PBFT group: the key file named
/// by <c>SYNOD_PBFT_KEYS</c>, else the dev cluster's <c>data/pbft-keys.json</c> under the current
/// directory when it exists. Without either, such keys fail with <c>pbft_keys_required</c>.
/// </summary>
internal static class PbftKeysSource
{
    public const string EnvironmentVariable = "SYNOD_PBFT_KEYS";

    /// <summary>The client secret of the key file, or empty when there is none.</summary>
    /// <exception cref="SynodException">The file exists but holds no client secret (code <c>pbft_keys_required</c>).</exception>
    public static byte[] ClientSecret()
    {
        string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(path))
        {
            path = Path.Combine("data", "pbft-keys.json");
            if (!File.Exists(path))
            {
                return [];
            }
        }

        try
        {
            using JsonDocument keys = JsonDocument.Parse(File.ReadAllBytes(path));
            return keys.RootElement.GetProperty("clientSecret").GetBytesFromBase64();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A named file that cannot serve is the user's mistake to hear about, in one line.
            throw new SynodException(SynodErrorCodes.PbftKeysRequired, $"{path} is not a readable PBFT key file with a clientSecret: {error.Message}", innerException: error);
        }
    }
}
