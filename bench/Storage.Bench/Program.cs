using System.CommandLine;
using System.Globalization;
using Synod.Persistence.AdoNet;
using Synod.Storage.Bench;

// storage-bench fsync            raw fdatasync rate of the disk under --dir
// storage-bench store ...        group-commit load against SQLite or PostgreSQL
var root = new RootCommand("Synod storage benchmarks");

var dir = new Option<string>("--dir") { Description = "Directory on the disk to measure", DefaultValueFactory = _ => "bench-data" };
var seconds = new Option<double>("--seconds") { Description = "Measured seconds per run", DefaultValueFactory = _ => 5 };
var fsync = new Command("fsync", "Raw fdatasync rate: block write + fdatasync in a loop");
fsync.Options.Add(dir);
fsync.Options.Add(seconds);
fsync.SetAction(result =>
{
    string directory = result.GetValue(dir)!;
    TimeSpan duration = TimeSpan.FromSeconds(result.GetValue(seconds));
    foreach ((int block, bool append, bool full) in new[] { (4096, true, false), (4096, false, false), (8192, false, false), (4096, false, true) })
    {
        double rate = FdatasyncProbe.Run(directory, block, append, full, duration);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(full ? "fsync" : "fdatasync"),-9} {(append ? "append" : "overwrite"),-9} {block,5} B: {rate,8:F0} syncs/s ({1000 / rate:F3} ms each)"));
    }
});
root.Subcommands.Add(fsync);

var provider = new Option<string>("--provider") { Description = "sqlite or postgresql", DefaultValueFactory = _ => "sqlite" };
var replicas = new Option<int[]>("--replicas") { Description = "Concurrent replicas (several values run several times)", DefaultValueFactory = _ => [1, 100, 1000], AllowMultipleArgumentsPerToken = true };
var perBatch = new Option<int>("--records-per-batch") { Description = "Records in each replica batch", DefaultValueFactory = _ => 1 };
var recordBytes = new Option<int>("--record-bytes") { Description = "Payload bytes per record", DefaultValueFactory = _ => 128 };
var connection = new Option<string?>("--connection") { Description = "Npgsql connection string (postgresql)" };
var synchronous = new Option<SqliteSynchronousMode>("--synchronous") { Description = "SQLite synchronous mode", DefaultValueFactory = _ => SqliteSynchronousMode.Full };
var store = new Command("store", "Closed-loop load: every replica writes a batch and waits until it is durable");
foreach (Option option in new Option[] { provider, replicas, perBatch, recordBytes, connection, synchronous, dir, seconds })
{
    store.Options.Add(option);
}

var rounds = new Option<int>("--rounds") { Description = "Runs per configuration; the median run is reported too", DefaultValueFactory = _ => 1 };
var withProbe = new Option<bool>("--with-fdatasync") { Description = "Before each run, measure the raw fdatasync rate (4 KiB overwrite) for comparison" };
store.Options.Add(rounds);
store.Options.Add(withProbe);
store.SetAction(async (result, cancellationToken) =>
{
    string name = result.GetValue(provider)!;
    TimeSpan duration = TimeSpan.FromSeconds(result.GetValue(seconds));
    foreach (int count in result.GetValue(replicas)!)
    {
        var runs = new List<StoreLoadResult>();
        var probes = new List<double>();
        for (int round = 0; round < result.GetValue(rounds); round++)
        {
            if (result.GetValue(withProbe))
            {
                probes.Add(FdatasyncProbe.Run(Path.GetFullPath(result.GetValue(dir)!), 4096, append: false, fullFsync: false, duration));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw fdatasync (4 KiB overwrite): {probes[^1],8:F0} syncs/s"));
            }

            string location = Path.Combine(Path.GetFullPath(result.GetValue(dir)!), $"store-{Environment.ProcessId}-{count}-{round}.db");
            string schema = $"bench_{Environment.ProcessId}_{count}_{round}";
            Func<AdoNetReplicaStore> open = name == "sqlite"
                ? () => AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = location, Synchronous = result.GetValue(synchronous) })
                : () => AdoNetReplicaStore.OpenPostgres(new PostgresReplicaStoreOptions { ConnectionString = result.GetValue(connection) ?? throw new InvalidOperationException("--connection is required for postgresql"), Schema = schema });
            StoreLoadResult run = await StoreLoad.RunAsync(open, name, count, result.GetValue(perBatch), result.GetValue(recordBytes),
                TimeSpan.FromSeconds(2), duration, cancellationToken);
            runs.Add(run);
            Print("", run);
            foreach (string file in new[] { location, location + "-wal", location + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }

        if (runs.Count > 1)
        {
            Print("MEDIAN ", runs.OrderBy(r => r.RecordsPerSecond).ElementAt(runs.Count / 2));
        }

        if (probes.Count > 0)
        {
            double probe = probes.Order().ElementAt(probes.Count / 2);
            double commits = runs.Select(r => r.CommitsPerSecond).Order().ElementAt(runs.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MEDIAN raw fdatasync {probe:F0} syncs/s; store {commits:F0} commits/s = {100 * commits / probe:F0}% of raw"));
        }
    }
});
root.Subcommands.Add(store);
return await root.Parse(args).InvokeAsync();

static void Print(string prefix, StoreLoadResult run) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{prefix}{run.Provider,-10} replicas {run.Replicas,5} x{run.RecordsPerBatch,3}/batch: {run.RecordsPerSecond,9:F0} records/s {run.BatchesPerSecond,9:F0} batches/s {run.CommitsPerSecond,7:F0} commits/s  {run.RecordsPerCommit,7:F1} records/commit  p50 {run.P50Ms:F3} ms  p99 {run.P99Ms:F3} ms  disk {run.DiskBytesPerRecord / 1024:F2} KiB/record"));
