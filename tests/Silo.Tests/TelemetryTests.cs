using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Synod.Client;
using Synod.Silo.Hosting;
using Synod.Silo.Telemetry;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

/// <summary>The Synod meter and activity source on a three-silo cluster in this process, and the OTLP switch.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class TelemetryTests
{
    private const string Group = "kv-0";
    private const int Writes = 20;

    [Fact]
    public async Task Instruments_report_what_the_replicas_and_the_gateway_did()
    {
        // Proves the Synod instruments carry the replicas' real figures: after N writes, proposals and commits count them, every replica's commit index reaches them, exactly one replica reports leading, the leader reports a lag per follower, and the gateway's latency histogram holds one OK recording per write.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        using var listener = new MetricsRecorder();
        using var client = new SynodClient(Options(cluster.Gateways));
        await client.PutAsync("warm-up", "0");
        listener.ClearHistograms();

        for (int i = 0; i < Writes; i++)
        {
            await client.PutAsync($"key-{i}", $"value-{i}");
        }

        await Eventually(() =>
        {
            listener.Collect();
            return listener.Gauges("synod.raft.commit_index", Group).Count == 3
                && listener.Gauges("synod.raft.commit_index", Group).Values.All(v => v >= Writes)
                && listener.Gauges("synod.raft.leader", Group).Values.Sum() == 1;
        });

        Dictionary<string, long> leader = listener.Gauges("synod.raft.leader", Group);
        Assert.Equal(3, leader.Count);
        Assert.Equal(1, leader.Values.Count(v => v == 1));
        Assert.True(listener.Gauges("synod.raft.proposals", Group).Values.Sum() >= Writes + 1);
        Assert.All(listener.Gauges("synod.raft.commits", Group).Values, commits => Assert.True(commits >= Writes, $"{commits} commits"));
        Assert.All(listener.Gauges("synod.raft.applied_index", Group).Values, applied => Assert.True(applied >= Writes));
        Assert.All(listener.Gauges("synod.raft.term", Group).Values, term => Assert.True(term >= 1));
        Assert.Equal(3, listener.Gauges("synod.raft.leader.present", Group).Values.Count(v => v == 1));
        Assert.True(listener.Gauges("synod.group.leader_changes", Group).Values.Sum() >= 1);

        // The leader (and only it) reports one lag per follower: two followers, none of them itself.
        string leaderReplica = leader.Single(pair => pair.Value == 1).Key;
        Dictionary<string, long> lags = listener.Gauges("synod.raft.follower.lag", Group);
        Assert.Equal(2, lags.Count);
        Assert.All(lags.Keys, key => Assert.StartsWith(leaderReplica + " follower=", key, StringComparison.Ordinal));
        Assert.All(lags.Values, lag => Assert.True(lag >= 0));

        double[] puts = listener.Histogram("synod.gateway.request.duration", "operation", "put", "outcome", "ok");
        Assert.Equal(Writes, puts.Length);
        Assert.All(puts, seconds => Assert.True(seconds > 0 && seconds < 30));
        Assert.True(listener.Histogram("synod.raft.commit.duration").Length >= Writes);
        Assert.True(listener.Histogram("synod.raft.ready.entries").Length > 0);
        Assert.True(listener.Histogram("synod.storage.commit.records").Length > 0);
        Assert.Contains("synod.transport.bytes.sent", listener.Published);
        Assert.Contains("synod.transport.frames.malformed", listener.Published);
        Assert.Contains("synod.raft.messages.rejected", listener.Published);
        Assert.Contains("synod.pbft.view", listener.Published);
    }

    [Fact]
    public async Task A_put_is_one_trace_from_client_through_gateway_and_leader_to_storage_and_followers()
    {
        // Proves trace context crosses every hop: the client's span, the gateway's, the grain call over the silo transport, the leader's proposal, its persisting, the store's group commit (by link) and a follower's append all carry the client's trace id.
        await using InProcessCluster cluster = await InProcessCluster.StartAsync();
        using var client = new SynodClient(Options(cluster.Gateways));
        await client.PutAsync("warm-up", "0");
        SiloHost leader = await cluster.SettledLeaderSiloAsync(Group);
        SiloHost other = cluster.Silos.First(s => s != leader);

        using var spans = new SpanRecorder();

        // Through the client: its span and the gateway's and leader's share one trace.
        await client.PutAsync("traced", "1");
        Activity put = await spans.WaitForAsync(a => a.OperationName == "synod.client.put");
        await spans.WaitForAsync(a => a.OperationName == "synod.raft.propose" && a.TraceId == put.TraceId);
        await spans.WaitForAsync(a => a.OperationName == "synod.gateway.put" && a.TraceId == put.TraceId);

        // Through a silo that does not lead: the gateway's call crosses the silo transport.
        ActivityTraceId trace = ActivityTraceId.CreateRandom();
        using (var http = new HttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Put, new Uri(new Uri(other.HttpEndpoint), "/v1/kv/remote")) { Content = new StringContent("2") })
        {
            request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            using HttpResponseMessage response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Activity propose = await spans.WaitForAsync(a => a.OperationName == "synod.raft.propose" && a.TraceId == trace);
        await spans.WaitForAsync(a => a.OperationName == "synod.raft.append" && a.TraceId == trace);
        Activity persist = await spans.WaitForAsync(a => a.OperationName == "synod.raft.persist" && a.TraceId == trace);
        Assert.Equal(propose.SpanId, persist.ParentSpanId);
        await spans.WaitForAsync(a => a.OperationName == "synod.gateway.put" && a.TraceId == trace);
        await spans.WaitForAsync(a => a.OperationName == "synod.grain.call" && a.Kind == ActivityKind.Client && a.TraceId == trace);
        // The proposal runs under the call served on the leader's silo (a new gateway session
        // registers first: two calls). A served call's span ends just after its answer is sent.
        await spans.WaitForAsync(a => a.OperationName == "synod.grain.call" && a.Kind == ActivityKind.Server && a.TraceId == trace && a.SpanId == propose.ParentSpanId);
        await spans.WaitForAsync(a => a.OperationName == "synod.storage.commit" && a.Links.Any(l => l.Context.TraceId == trace));
    }

    [Fact]
    public void Without_an_endpoint_no_provider_is_built_and_with_one_both_are()
    {
        // Proves export is off by default (nothing built) and on by the Synod:Telemetry:OtlpEndpoint key, without needing a collector.
        Assert.Null(SiloTelemetry.Start(TelemetryOptions.FromConfiguration(new ConfigurationBuilder().Build())));
        Assert.Null(SiloTelemetry.Start(new TelemetryOptions { OtlpEndpoint = " " }));

        string endpoint = ClosedPort.Create().ToString();
        TelemetryOptions colon = TelemetryOptions.FromConfiguration(Configuration("Synod:Telemetry:OtlpEndpoint", endpoint));
        Assert.Equal(endpoint, colon.OtlpEndpoint);
        using SiloTelemetry? telemetry = SiloTelemetry.Start(colon);
        Assert.NotNull(telemetry);
        Assert.NotNull(telemetry.Meters);
        Assert.NotNull(telemetry.Tracer);

        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => SiloTelemetry.Start(new TelemetryOptions { OtlpEndpoint = endpoint, OtlpProtocol = "carrier-pigeon" }));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => SiloTelemetry.Start(new TelemetryOptions { OtlpEndpoint = "collector:4317" }));
    }

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();

    private static SynodClientOptions Options(IEnumerable<Uri> gateways)
    {
        var options = new SynodClientOptions();
        options.Gateways.Clear();
        foreach (Uri gateway in gateways)
        {
            options.Gateways.Add(gateway);
        }

        return options;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the instruments did not reach the expected values in 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Records the Synod meter: the latest observation per series, and every histogram recording.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Name, string Series), long> _latest = new();
        private readonly ConcurrentQueue<(string Name, KeyValuePair<string, object?>[] Tags, double Value)> _recordings = new();

        public MetricsRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Synod")
                {
                    Published.Add(instrument.Name);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Observe(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Observe(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Observe(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentBag<string> Published { get; } = [];

        public void Collect() => _listener.RecordObservableInstruments();

        public void ClearHistograms() => _recordings.Clear();

        /// <summary>The latest value per replica of <paramref name="group"/>, keyed "silo/replica" (plus " follower=F" for lags).</summary>
        public Dictionary<string, long> Gauges(string name, string group)
        {
            string prefix = $"group={group} ";
            return _latest
                .Where(pair => pair.Key.Name == name && pair.Key.Series.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(pair => pair.Key.Series[prefix.Length..], pair => pair.Value);
        }

        public double[] Histogram(string name, params string[] tagPairs) =>
            [.. _recordings.Where(r => r.Name == name && Matches(r.Tags, tagPairs)).Select(r => r.Value)];

        public void Dispose() => _listener.Dispose();

        private static bool Matches(KeyValuePair<string, object?>[] tags, string[] pairs)
        {
            for (int i = 0; i < pairs.Length; i += 2)
            {
                if (!tags.Any(t => t.Key == pairs[i] && Equals(t.Value?.ToString(), pairs[i + 1])))
                {
                    return false;
                }
            }

            return true;
        }

        private void Observe<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            where T : struct, IConvertible
        {
            KeyValuePair<string, object?>[] copy = tags.ToArray();
            if (instrument is Histogram<T>)
            {
                _recordings.Enqueue((instrument.Name, copy, value.ToDouble(null)));
                return;
            }

            // Series key: group first, then silo/replica, then the follower of a lag.
            string group = Tag(copy, "group");
            string series = group.Length == 0
                ? string.Join(' ', copy.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))
                : $"group={group} {Tag(copy, "silo")}/{Tag(copy, "replica")}" + (Tag(copy, "follower") is { Length: > 0 } f ? $" follower={f}" : "");
            _latest[(instrument.Name, series)] = value.ToInt64(null);
        }

        private static string Tag(KeyValuePair<string, object?>[] tags, string key) =>
            tags.FirstOrDefault(t => t.Key == key).Value?.ToString() ?? "";
    }

    /// <summary>Records every span of the Synod and ASP.NET Core sources in this process.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Synod" or SiloTelemetry.AspNetCoreSource,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => Stopped.Enqueue(activity),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public async Task<Activity> WaitForAsync(Func<Activity, bool> match)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (Stopped.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"no such span in 20 s; recorded: {string.Join(", ", Stopped.Select(a => a.OperationName).Distinct())}");
                await Task.Delay(20);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
