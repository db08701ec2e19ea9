using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Synod.Client;

// Cluster.Bench: closed-loop writes of 128-byte values through SynodClient. --groups 1 puts every
// key in one group (the first that owns slots); --groups N spreads keys over N groups. Prints one
// line: groups, concurrency, seconds, writes, writes/s.
var gateways = new Option<string[]>("--gateway") { Description = "Silo HTTP APIs", DefaultValueFactory = _ => ["http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8083"], AllowMultipleArgumentsPerToken = true };
var groups = new Option<int>("--groups") { Description = "How many groups the keys spread over", DefaultValueFactory = _ => 1 };
var concurrency = new Option<int>("--concurrency") { Description = "Writers in flight", DefaultValueFactory = _ => 64 };
var seconds = new Option<double>("--seconds") { Description = "Measured duration", DefaultValueFactory = _ => 10 };
var root = new RootCommand("Write throughput of one group vs many") { gateways, groups, concurrency, seconds };
root.SetAction(async (parse, cancellationToken) =>
{
    string[] urls = parse.GetValue(gateways)!;
    int writers = parse.GetValue(concurrency);
    var options = new SynodClientOptions { MaxConcurrentRequests = writers };
    options.Gateways.Clear();
    foreach (string url in urls)
    {
        options.Gateways.Add(new Uri(url));
    }

    using var client = new SynodClient(options);
    string[] keys = await KeysAsync(new Uri(urls[0]), parse.GetValue(groups), writers * 4, cancellationToken);
    byte[] value = new byte[128];
    Random.Shared.NextBytes(value);

    // Warm up: every group elects, every client session registers.
    await Task.WhenAll(keys.Select(key => client.PutAsync(key, value, cancellationToken)));
    long done = 0;
    var clock = Stopwatch.StartNew();
    TimeSpan duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
    await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
    {
        for (int i = w; clock.Elapsed < duration; i += writers)
        {
            await client.PutAsync(keys[i % keys.Length], value, cancellationToken);
            Interlocked.Increment(ref done);
        }
    }));
    double elapsed = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"groups {parse.GetValue(groups)} concurrency {writers} seconds {elapsed:F1} writes {done} writes/s {done / elapsed:F0}"));
});
return await root.Parse(args).InvokeAsync();

// Keys whose slots belong to the first `count` slot-owning groups, round robin, computed with the
// cluster's own slot function (FNV-1a mod slots) over the directory's slot map.
static async Task<string[]> KeysAsync(Uri gateway, int count, int total, CancellationToken cancellationToken)
{
    using var http = new HttpClient();
    using JsonDocument directory = JsonDocument.Parse(await http.GetStringAsync(new Uri(gateway, "/v1/directory"), cancellationToken));
    uint slots = directory.RootElement.GetProperty("slots").GetUInt32();
    uint[] owners = [.. directory.RootElement.GetProperty("slotGroups").EnumerateArray().Select(e => e.GetUInt32())];
    uint[] chosen = [.. owners.Distinct().Order().Take(count)];
    var byGroup = chosen.ToDictionary(g => g, _ => new List<string>());
    for (int i = 0; byGroup.Values.Any(k => k.Count < (total / chosen.Length) + 1); i++)
    {
        string key = "bench-" + i.ToString(CultureInfo.InvariantCulture);
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619;
        }

        if (byGroup.TryGetValue(owners[hash % slots], out List<string>? list))
        {
            list.Add(key);
        }
    }

    return [.. Enumerable.Range(0, total).Select(i => byGroup[chosen[i % chosen.Length]][i / chosen.Length])];
}
