using System.Text;
using Synod.Persistence.AdoNet;
using Synod.Runtime.Storage;

namespace Synod.Persistence.CrashWriter;

/// <summary>
/// Opens a store, checks that what survived the previous run is exactly the workload model at the
/// durable version of every replica, then writes the workload with <c>concurrency</c> workers and
/// prints <c>ack &lt;replica&gt; &lt;version&gt;</c> for each batch the store acknowledged, until it
/// is killed (or its standard input closes, so it never outlives the test that started it).
/// </summary>
internal static class CrashWriterProgram
{
    private const int Usage = 2;
    private const int Mismatch = 3;

    private static async Task<int> Main(string[] args)
    {
        if (CrashWriterArguments.Parse(args) is not { } arguments)
        {
            await Console.Error.WriteLineAsync(CrashWriterArguments.Usage);
            return Usage;
        }

        // One write per line, flushed at once: what the parent reads is what was acknowledged
        // before the kill, and a line is never split.
        using var output = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
        await using AdoNetReplicaStore store = Open(arguments);
        await store.Started;
        var models = new ReplicaModel[arguments.Replicas];
        var mismatches = new List<string>();
        for (int replica = 0; replica < arguments.Replicas; replica++)
        {
            ReplicaDurableState state = await store.OpenReplicaAsync(CrashWorkload.ReplicaName(replica));
            if (!CrashWorkload.TryReadVersion(state, out ulong version))
            {
                mismatches.Add($"replica {replica}: malformed metadata");
                continue;
            }

            models[replica] = ReplicaModel.At(arguments.Seed, replica, version);
            if (models[replica].DifferenceFrom(state) is { } difference)
            {
                mismatches.Add($"replica {replica} at durable version {version}: {difference}");
            }
        }

        if (mismatches.Count > 0)
        {
            await Console.Error.WriteLineAsync($"The store does not hold the workload's state (seed {arguments.Seed}):{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
            return Mismatch;
        }

        Task writers = Task.WhenAll(Enumerable.Range(0, arguments.Concurrency).Select(worker => WriteAsync(store, Owned(models, worker, arguments.Concurrency), output)));
        Task parentGone = Console.OpenStandardInput().CopyToAsync(Stream.Null);
        Task first = await Task.WhenAny(writers, parentGone);
        await first;
        return 0;
    }

    private static AdoNetReplicaStore Open(CrashWriterArguments arguments) =>
        arguments.Provider == CrashWriterArguments.Sqlite
            ? AdoNetReplicaStore.OpenSqlite(new SqliteReplicaStoreOptions { Path = arguments.Location })
            : AdoNetReplicaStore.OpenPostgres(new PostgresReplicaStoreOptions
            {
                ConnectionString = Environment.GetEnvironmentVariable(CrashWriterArguments.PostgresVariable)
                    ?? throw new InvalidOperationException($"{CrashWriterArguments.PostgresVariable} is not set."),
                Schema = arguments.Location,
            });

    private static ReplicaModel[] Owned(ReplicaModel[] models, int worker, int workers) =>
        models.Where(model => model.Replica % workers == worker).ToArray();

    // A worker owns its replicas, so each replica has at most one batch in flight: the store may
    // hold at most one version more than the last one this worker acknowledged.
    private static async Task WriteAsync(AdoNetReplicaStore store, ReplicaModel[] models, TextWriter output)
    {
        await Task.Yield();
        while (true)
        {
            foreach (ReplicaModel model in models)
            {
                ReplicaWriteBatch batch = model.NextBatch();
                await store.WriteAsync(batch);
                model.Apply(batch);
                output.WriteLine($"ack {model.Replica} {model.Version}");
            }
        }
    }
}
