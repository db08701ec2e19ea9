using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Synod.Cluster.Tests;

/// <summary>One silo process started from the built Synod.Silo.dll with a generated config file.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(int id, Process process)
    {
        Id = id;
        _process = process;
    }

    public int Id { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SiloProcess> StartAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey, int keyValueGroups = 4, int silos = 3, string? zone = null, string byzantine = "")
    {
        SiloProcess silo = Launch(id, await WriteConfigAsync(id, ports, dataDirectory, clusterKey, keyValueGroups, silos, zone, byzantine));
        await silo._up.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return silo;
    }

    /// <summary>Starts a silo and waits for it to exit on its own (a start that must fail); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToFailureAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey)
    {
        await using SiloProcess silo = Launch(id, await WriteConfigAsync(id, ports, dataDirectory, clusterKey));
        await silo._process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (silo._process.ExitCode, silo.Output);
    }

    private static async Task<string> WriteConfigAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey, int keyValueGroups = 4, int silos = 3, string? zone = null, string byzantine = "")
    {
        string config = Path.Combine(dataDirectory, $"silo-{id}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Synod = new
            {
                Silo = new
                {
                    Id = id,
                    ClusterKey = clusterKey,
                    TransportEndpoint = ports.Transport(id),
                    HttpEndpoint = ports.Http(id),
                    DataDirectory = dataDirectory,
                    KeyValueGroups = keyValueGroups,
                    Byzantine = byzantine,
                    Labels = zone is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["zone"] = zone },
                    Silos = Enumerable.Range(1, silos).Select(peer => new { Id = peer, TransportEndpoint = ports.Transport(peer), HttpEndpoint = ports.Http(peer) }),
                },
            },
        }));
        return config;
    }

    private static SiloProcess Launch(int id, string config)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Synod.Silo.dll"), "--config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a silo process");
        var silo = new SiloProcess(id, process);
        process.OutputDataReceived += (_, line) => silo.Record(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>SIGKILL: the process dies at once, nothing flushed beyond what was durable.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: a graceful stop; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            _up.TrySetException(new InvalidOperationException($"silo {Id} exited before it was up:\n{Output}"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("is up", StringComparison.Ordinal))
        {
            _up.TrySetResult();
        }
    }
}
