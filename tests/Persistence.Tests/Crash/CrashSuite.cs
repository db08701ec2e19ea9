using System.Diagnostics;
using System.Globalization;
using Synod.Persistence.AdoNet;
using Synod.Persistence.CrashWriter;
using Synod.Runtime.Storage;
using Xunit.Abstractions;

namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// The crash suite of the storage issue, run once per provider: a child process writing batches
/// is killed with SIGKILL at random moments; after each restart every acknowledged batch is
/// present and every replica's log is a clean prefix of the workload. The seed of a run is printed
/// and replays the workload with <c>SYNOD_CRASH_SEED</c> (kill timing depends on the machine).
/// </summary>
[Collection(CrashCollection.Name)]
public abstract class CrashSuite(ITestOutputHelper output)
{
    public const string SeedVariable = "SYNOD_CRASH_SEED";

    // Enough replicas and workers that group commits hold several replicas' batches at once.
    private const int Replicas = 48;
    private const int Concurrency = 8;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    protected abstract StoreProvider Provider { get; }

    /// <summary>Kills per run, chosen to keep a provider's run well under half a minute.</summary>
    protected abstract int Iterations { get; }

    /// <summary>Environment the child needs to reach the store at <paramref name="location"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string> ChildEnvironment(string location) => new Dictionary<string, string>();

    /// <summary>Opens the store in the test process, to check what survived.</summary>
    protected virtual Task<AdoNetReplicaStore> OpenAsync(string location) => Provider.OpenAsync(location);

    /// <summary>Waits until no session left behind by a killed child or a closed store still holds the store.</summary>
    protected virtual Task WaitUntilReleasedAsync(string location) => Task.CompletedTask;

    /// <summary>Rows a kill left outside the log table (SQLite's staging table), or -1 when the provider has none.</summary>
    protected virtual Task<long> StagedRowsAsync(string location) => Task.FromResult(-1L);

    [Fact]
    public async Task Acknowledged_batches_survive_sigkill_and_the_log_stays_a_clean_prefix()
    {
        // Proves the storage issue's crash guarantee: after a SIGKILL at a random moment, every acknowledged batch is durable and each replica's state is exactly the workload after some whole number of batches.
        ulong seed = Seed();
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        string location = Provider.NewLocation();
        var known = new ulong[Replicas];
        long acks = 0;
        int landedMidCommit = 0;
        int killsWithStagedRows = 0;
        bool stages = false;
        var clock = Stopwatch.StartNew();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            string context = $"{Provider.Name} crash run, seed {seed} ({SeedVariable}={seed} replays it), iteration {iteration}, location {location}";
            CrashRound round = await RunChildAsync(location, seed, TimeSpan.FromMilliseconds(random.Next(150, 901)), context);
            for (int replica = 0; replica < Replicas; replica++)
            {
                known[replica] = Math.Max(known[replica], round.Acked[replica]);
            }

            await WaitUntilReleasedAsync(location);
            long staged = await StagedRowsAsync(location);
            stages = staged >= 0;
            killsWithStagedRows += staged > 0 ? 1 : 0;
            CrashVerdict verdict = CrashCheck.Check(seed, await LoadAsync(location), known);
            Assert.True(verdict.Violations.Count == 0, $"{context}: the store broke its crash guarantee:{Environment.NewLine}{string.Join(Environment.NewLine, verdict.Violations)}");
            for (int replica = 0; replica < Replicas; replica++)
            {
                known[replica] = verdict.Durable[replica];
            }

            acks += round.Acks;
            landedMidCommit += verdict.DurableButUnacknowledged > 0 ? 1 : 0;
            output.WriteLine($"iteration {iteration}: {round.Acks} acks, {verdict.DurableButUnacknowledged} replicas durable one batch past their last ack, durable versions {verdict.Durable.Min()}..{verdict.Durable.Max()}, {staged} staged rows at the kill");
        }

        output.WriteLine($"{Provider.Name}: seed {seed}, {Iterations} kills, {acks} acknowledged batches, {landedMidCommit} kills caught a commit between durability and acknowledgement, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(acks > 0, $"seed {seed}: no batch was ever acknowledged, so nothing was tested.");
        Assert.True(!stages || killsWithStagedRows > 0, $"seed {seed}: no kill left staged rows, so recovery of the staging table was not tested.");
    }

    private async Task<CrashRound> RunChildAsync(string location, ulong seed, TimeSpan killAfterFirstAck, string context)
    {
        await WaitUntilReleasedAsync(location);
        await using CrashChild child = CrashChild.Start(Provider.Name, location, Replicas, seed, Concurrency, ChildEnvironment(location));
        bool acknowledged = await child.FirstAck.WaitAsync(StartLimit);
        if (acknowledged)
        {
            await Task.Delay(killAfterFirstAck);
        }

        CrashRound round = await child.KillAsync();
        string details = $"exit code {round.ExitCode}, {round.Acks} acks, standard error:{Environment.NewLine}{round.StandardError}";
        Assert.False(round.ExitedBeforeKill, $"{context}: the child exited on its own before the kill (exit code 3 means it found the store's state wrong at start), {details}");
        Assert.True(acknowledged, $"{context}: the child acknowledged nothing, {details}");

        // Alive with a batch acknowledged means its workers were mid-write: they never pause.
        Assert.Equal(137, round.ExitCode);
        Assert.True(round.Unexpected.Count == 0, $"{context}: unexpected output from the child: {string.Join(" | ", round.Unexpected)}");
        return round;
    }

    private async Task<IReadOnlyList<ReplicaDurableState>> LoadAsync(string location)
    {
        await using AdoNetReplicaStore store = await OpenAsync(location);
        var states = new ReplicaDurableState[Replicas];
        for (int replica = 0; replica < Replicas; replica++)
        {
            states[replica] = await store.OpenReplicaAsync(CrashWorkload.ReplicaName(replica));
        }

        return states;
    }

    private static ulong Seed() =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text
            ? ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : (ulong)Random.Shared.NextInt64();
}
