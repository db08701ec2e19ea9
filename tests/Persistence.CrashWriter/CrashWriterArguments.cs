using System.Globalization;

namespace Synod.Persistence.CrashWriter;

/// <summary>
/// The child's command line: <c>provider location replicas seed concurrency</c>, where provider is
/// <c>sqlite</c> (location: a file path) or <c>postgresql</c> (location: a schema; the connection
/// string comes from <see cref="PostgresVariable"/>).
/// </summary>
internal sealed record CrashWriterArguments(string Provider, string Location, int Replicas, ulong Seed, int Concurrency)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";
    public const string PostgresVariable = "SYNOD_TEST_POSTGRES";
    public const string Usage = "usage: Synod.Persistence.CrashWriter sqlite|postgresql <file|schema> <replicas 1..1000> <seed> <concurrency 1..replicas>";

    public static CrashWriterArguments? Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 5
            || args[0] is not (Sqlite or Postgres)
            || args[1].Length == 0
            || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int replicas)
            || !ulong.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            || !int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out int concurrency)
            || replicas is < 1 or > 1000
            || concurrency < 1
            || concurrency > replicas)
        {
            return null;
        }

        return new CrashWriterArguments(args[0], args[1], replicas, seed, concurrency);
    }
}
