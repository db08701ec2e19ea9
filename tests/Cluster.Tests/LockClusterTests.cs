using System.Diagnostics;
using System.Globalization;
using System.Text;
using Synod.Client;

namespace Synod.Cluster.Tests;

/// <summary>
/// The lock service on three real silo processes: a client process paused with SIGSTOP for longer
/// than its lease writes late with its old fencing token, and the key-value store refuses it.
/// </summary>
public sealed class LockClusterTests : IAsyncLifetime
{
    private const string Key = "lock-test-cluster-key-0123456789ab";
    private const int TtlMs = 2000;
    private readonly ClusterPorts _ports = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "synod-tests", $"locks-{Guid.NewGuid():N}");
    private readonly SiloProcess?[] _silos = new SiloProcess?[4];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        await Task.WhenAll(Enumerable.Range(1, 3).Select(async id => _silos[id] = await SiloProcess.StartAsync(id, _ports, _data, Key)));
    }

    public async Task DisposeAsync()
    {
        foreach (SiloProcess? silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_paused_past_its_lease_has_its_late_write_refused_by_the_fence()
    {
        // Proves issue 6's lock guarantee on real processes: a child client acquires a 2 s lease, checks it and is SIGSTOPped while it prepares its write; once the lease and the drift bound have passed on the lock group's clock another client is granted a higher token and writes with it; the child, continued, sends its write with the old token, which is refused (fenced), and the key keeps the second client's value.
        using var client = Client(1);
        await WarmUpAsync(client);

        using var child = StartChild("jobs/report", "paused-client", "report", "from the paused client");
        ulong staleToken = ulong.Parse((await child.ReadLineAsync("token "))["token ".Length..], CultureInfo.InvariantCulture);
        await child.ReadLineAsync("checked");
        var sinceChecked = Stopwatch.StartNew();
        Signal("STOP", child.Id);
        var paused = Stopwatch.StartNew();

        // The child prepares for 1.5 s before it writes: stopped well within that, it has sent nothing.
        Assert.True(sinceChecked.ElapsedMilliseconds < 1000, $"SIGSTOP came {sinceChecked.ElapsedMilliseconds} ms after the check; the child may have written");
        Assert.Null(await client.GetStringAsync("report"));

        SynodLease lease = await AcquireWhenFreeAsync(client, "jobs/report", "second-client");
        Assert.True(lease.Token > staleToken, $"second token {lease.Token} after {staleToken}");
        Assert.True(paused.ElapsedMilliseconds > TtlMs, $"granted again {paused.ElapsedMilliseconds} ms into the pause, inside the first lease");
        await client.PutAsync("report", "from the second client", SynodFence.Of(lease));

        Signal("CONT", child.Id);
        (int exit, string output) = await child.WaitAsync();
        Assert.True(exit == 1 && output.Contains("fenced", StringComparison.Ordinal), $"exit {exit}, output:\n{output}");
        using var other = Client(2);
        Assert.Equal("from the second client", await other.GetStringAsync("report"));
        Assert.Equal(("second-client", lease.Token), await other.GetLockAsync("jobs/report") is { } holder ? (holder.Owner, holder.Token) : default);
    }

    /// <summary>The lock group elects a leader after the silos start: retry a throwaway acquire until one answers.</summary>
    private static async Task WarmUpAsync(SynodClient client)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.AcquireLockAsync("warm-up", "test", TimeSpan.FromMilliseconds(1));
                await client.PutAsync("warm-up", "1");
                return;
            }
            catch (SynodException exception) when (exception.Code == SynodErrorCodes.Unavailable && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Expected while the lock or key-value groups have no leader yet.
            }
        }
    }

    /// <summary>Acquires as soon as the lock group grants it: the first lease has expired past the drift bound.</summary>
    private static async Task<SynodLease> AcquireWhenFreeAsync(SynodClient client, string name, string owner)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            SynodLockAttempt attempt = await client.AcquireLockAsync(name, owner, TimeSpan.FromSeconds(10));
            if (attempt.Lease is { } lease)
            {
                return lease;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"'{name}' was not granted to {owner} within 15 s");
    }

    private SynodClient Client(int silo)
    {
        var options = new SynodClientOptions { MaxAttempts = 10, RequestTimeout = TimeSpan.FromSeconds(5) };
        options.Gateways.Add(new Uri(_ports.Http(silo)));
        return new SynodClient(options);
    }

    private ChildClient StartChild(string lockName, string owner, string key, string value) =>
        ChildClient.Start(_ports.Http(2), lockName, owner, TtlMs, key, value, prepareMs: 1500);

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The child client process (tests/Cluster.LockClient), its output read line by line.</summary>
    private sealed class ChildClient : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ChildClient(Process process) => _process = process;

        public int Id => _process.Id;

        public static ChildClient Start(string gateway, string lockName, string owner, int ttlMs, string key, string value, int prepareMs)
        {
            var start = new ProcessStartInfo(
                "dotnet",
                [Path.Combine(AppContext.BaseDirectory, "Synod.Cluster.LockClient.dll"), gateway, lockName, owner, ttlMs.ToString(CultureInfo.InvariantCulture), key, value, prepareMs.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            return new ChildClient(Process.Start(start) ?? throw new InvalidOperationException("could not start the lock client"));
        }

        /// <summary>Reads lines until one starts with <paramref name="prefix"/>; fails on exit or after 30 s.</summary>
        public async Task<string> ReadLineAsync(string prefix)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                _output.AppendLine(line);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }

            throw new InvalidOperationException($"the lock client ended before '{prefix}':\n{_output}{await _process.StandardError.ReadToEndAsync()}");
        }

        public async Task<(int Exit, string Output)> WaitAsync()
        {
            _output.Append(await _process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return (_process.ExitCode, _output.ToString());
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                // SIGKILL ends a stopped process too, so a failed test leaves nothing behind.
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
