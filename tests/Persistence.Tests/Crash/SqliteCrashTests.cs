using Xunit.Abstractions;

namespace Synod.Persistence.Tests.Crash;

/// <summary>The crash suite against a SQLite file (WAL, <c>synchronous = FULL</c>).</summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashSuite(output)
{
    protected override StoreProvider Provider { get; } = new SqliteProvider();

    protected override int Iterations => 8;
}
