using System.Text.Json;
using Synod.Consensus.Pbft;

namespace Synod.Silo.Hosting;

/// <summary>
/// The PBFT keys of the development cluster: one ECDSA P-256 key pair per replica of the PBFT group
/// and the client secret the client MAC keys derive from, in one JSON file that every silo reads
/// (the first silo to start creates it). Every silo holding every private key is a development
/// shortcut, documented as such: it lets one file serve a cluster on one machine. In production each
/// silo would be given only its own replica's private key and everyone's public keys.
/// </summary>
internal sealed record PbftKeyFile(IReadOnlyList<byte[]> PrivateKeys, IReadOnlyList<byte[]> PublicKeys, byte[] ClientSecret)
{
    /// <summary>Reads the file, creating it with fresh keys for <paramref name="replicas"/> replicas when it does not exist.</summary>
    /// <exception cref="InvalidOperationException">The file exists but is not a key file for that many replicas.</exception>
    public static PbftKeyFile LoadOrCreate(string path, int replicas)
    {
        if (!File.Exists(path))
        {
            Create(path, replicas);
        }

        PbftKeyFile keys;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            List<JsonElement> entries = [.. root.GetProperty("replicas").EnumerateArray()];
            keys = new PbftKeyFile(
                [.. entries.Select(e => e.GetProperty("privateKey").GetBytesFromBase64())],
                [.. entries.Select(e => e.GetProperty("publicKey").GetBytesFromBase64())],
                root.GetProperty("clientSecret").GetBytesFromBase64());
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Any shape the file should not have: the silo refuses to start with a one-line reason.
            throw new InvalidOperationException($"{path} is not a PBFT key file: {error.Message}", error);
        }

        return keys.PublicKeys.Count == replicas
            ? keys
            : throw new InvalidOperationException($"{path} holds keys for {keys.PublicKeys.Count} replicas, not {replicas}.");
    }

    private static void Create(string path, int replicas)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("note", "Synod development PBFT keys: every replica's ECDSA P-256 key pair and the client MAC secret. Not for production.");
            json.WriteStartArray("replicas");
            for (int i = 0; i < replicas; i++)
            {
                (byte[] privateKey, byte[] publicKey) = EcdsaPbftAuthenticator.GenerateKeyPair();
                json.WriteStartObject();
                json.WriteBase64String("privateKey", privateKey);
                json.WriteBase64String("publicKey", publicKey);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBase64String("clientSecret", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            json.WriteEndObject();
        }

        try
        {
            // Atomic and never overwriting: when silos start together, the first file wins and every silo reads it.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another silo created it first; its keys are the cluster's.
            File.Delete(temporary);
        }
    }
}
