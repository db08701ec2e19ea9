using System.Diagnostics;
using System.Globalization;

namespace Synod.Persistence.Tests.Crash;

/// <summary>
/// A running <c>Synod.Persistence.CrashWriter</c> process: started with <c>dotnet</c> from the
/// test's output directory, its acknowledgements read as they arrive, and killed with SIGKILL.
/// Its standard input stays open while the test runs: the child exits when it closes, so it
/// never outlives a test that died.
/// </summary>
internal sealed class CrashChild : IAsyncDisposable
{
    public const string ProgramFile = "Synod.Persistence.CrashWriter.dll";

    private readonly Process _process;
    private readonly ulong[] _acked;
    private readonly List<string> _unexpected = [];
    private readonly TaskCompletionSource<bool> _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _output;
    private readonly Task<string> _error;
    private long _acks;

    private CrashChild(Process process, int replicas)
    {
        _process = process;
        _acked = new ulong[replicas];
        _output = ReadAcknowledgementsAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Completes with true at the first acknowledgement, with false if the child's output ends without one.</summary>
    public Task<bool> FirstAck => _firstAck.Task;

    public static CrashChild Start(string provider, string location, int replicas, ulong seed, int concurrency, IReadOnlyDictionary<string, string> environment)
    {
        string program = Path.Combine(AppContext.BaseDirectory, ProgramFile);
        Assert.True(File.Exists(program), $"{program} is missing: the test project references Persistence.CrashWriter, whose build output should be copied next to the tests.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { program, provider, location, Text(replicas), Text(seed), Text(concurrency) })
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        return new CrashChild(process, replicas);
    }

    /// <summary>Sends SIGKILL (unless the child already died), waits for it and for all of its output.</summary>
    public async Task<CrashRound> KillAsync()
    {
        bool exitedBeforeKill = _process.HasExited;
        if (!exitedBeforeKill)
        {
            // Process.Kill is SIGKILL on Unix: no handler, no flush, no disposal runs in the child.
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
        await _output;
        string error = await _error;
        return new CrashRound(exitedBeforeKill, _process.ExitCode, _acks, _acked, _unexpected, error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        // The readers end when the child's pipes close, which its exit guarantees.
        await _process.WaitForExitAsync();
        await Task.WhenAll(_output, _error);
        _process.Dispose();
    }

    private async Task ReadAcknowledgementsAsync()
    {
        await Task.Yield();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            string[] parts = line.Split(' ');
            if (parts is ["ack", var replicaText, var versionText]
                && int.TryParse(replicaText, NumberStyles.None, CultureInfo.InvariantCulture, out int replica)
                && ulong.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong version)
                && replica < _acked.Length)
            {
                _acked[replica] = Math.Max(_acked[replica], version);
                _acks++;
                _firstAck.TrySetResult(true);
            }
            else
            {
                _unexpected.Add(line);
            }
        }

        _firstAck.TrySetResult(false);
    }

    // The child runs on the same runtime as the tests: the host running them, or the SDK's.
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
