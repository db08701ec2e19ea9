using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synod.Cli.Bench;

/// <summary>
/// The run's key set: <c>b</c> and a zero-padded number, <see cref="BenchSettings.KeySizeBytes"/>
/// bytes in all. For Synod with <c>--groups N</c> the numbers are chosen so the keys fall evenly
/// on the first N Raft groups of the slot map (by the cluster's own slot function, FNV-1a of the
/// key's UTF-8 bytes modulo the slot count, over <c>GET /v1/directory</c>); with
/// <c>--protocol pbft</c> every key starts with the name of the cluster's PBFT group and <c>/</c>.
/// </summary>
internal static class BenchKeys
{
    /// <summary>Keys <c>0 … count-1</c> with no placement rule (etcd, or Synod without <c>--groups</c>).</summary>
    public static string[] Plain(int count, int keySizeBytes, string prefix = "") =>
        [.. Enumerable.Range(0, count).Select(i => Name(prefix, i, keySizeBytes))];

    /// <summary>The keys of a Synod run, after reading the directory from the first endpoint.</summary>
    /// <exception cref="InvalidOperationException">The directory has no PBFT group, or fewer Raft groups than asked for.</exception>
    public static async Task<string[]> ForSynodAsync(BenchSettings settings, HttpClient http, CancellationToken cancellationToken)
    {
        using JsonDocument directory = JsonDocument.Parse(
            await http.GetStringAsync(new Uri(settings.Endpoints[0], "v1/directory"), cancellationToken).ConfigureAwait(false));
        JsonElement root = directory.RootElement;
        JsonElement[] groups = [.. root.GetProperty("groups").EnumerateArray()];
        if (settings.Protocol == "pbft")
        {
            JsonElement pbft = groups.FirstOrDefault(g => g.GetProperty("protocol").GetString() == "pbft");
            string name = pbft.ValueKind == JsonValueKind.Object ? pbft.GetProperty("group").GetString()! : throw new InvalidOperationException("the cluster's directory lists no PBFT group");
            return Plain(settings.Keys, settings.KeySizeBytes, name + "/");
        }

        if (settings.Groups <= 0)
        {
            return Plain(settings.Keys, settings.KeySizeBytes);
        }

        uint[] owners = [.. root.GetProperty("slotGroups").EnumerateArray().Select(e => e.GetUInt32())];
        uint[] chosen = [.. owners.Distinct().Order().Take(settings.Groups)];
        if (chosen.Length < settings.Groups)
        {
            throw new InvalidOperationException($"--groups {settings.Groups}: the cluster has only {chosen.Length} key-value groups that own slots");
        }

        return Spread(owners, chosen, settings.Keys, settings.KeySizeBytes);
    }

    /// <summary>The FNV-1a hash of the key's UTF-8 bytes, as the silos compute it before taking it modulo the slot count.</summary>
    internal static uint Hash(string key)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    // Round robin over the chosen groups: key i belongs to group chosen[i mod n].
    private static string[] Spread(uint[] owners, uint[] chosen, int count, int keySizeBytes)
    {
        int perGroup = (count + chosen.Length - 1) / chosen.Length;
        var byGroup = chosen.ToDictionary(g => g, _ => new List<string>(perGroup));
        int full = 0;
        for (int i = 0; full < chosen.Length; i++)
        {
            string key = Name("", i, keySizeBytes);
            if (byGroup.TryGetValue(owners[Hash(key) % (uint)owners.Length], out List<string>? keys) && keys.Count < perGroup)
            {
                keys.Add(key);
                full += keys.Count == perGroup ? 1 : 0;
            }
        }

        return [.. Enumerable.Range(0, count).Select(i => byGroup[chosen[i % chosen.Length]][i / chosen.Length])];
    }

    private static string Name(string prefix, int number, int keySizeBytes)
    {
        string digits = number.ToString(CultureInfo.InvariantCulture);
        int pad = Math.Max(0, keySizeBytes - prefix.Length - 1 - digits.Length);
        return string.Concat(prefix, "b", new string('0', pad), digits);
    }
}
