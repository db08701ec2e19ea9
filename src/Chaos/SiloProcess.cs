using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Synod.Chaos;

/// <summary>How a <see cref="SiloProcess"/> is started beyond its place in the cluster.</summary>
public sealed record SiloLaunchOptions
{
    /// <summary>The silo's assembly; default <c>Synod.Silo.dll</c> next to the running program.</summary>
    public string SiloAssembly { get; init; } = Path.Combine(AppContext.BaseDirectory, "Synod.Silo.dll");

    /// <summary><c>Synod:Testing:FaultInjection</c>: serve <c>/v1/testing/links</c>.</summary>
    public bool FaultInjection { get; init; }

    /// <summary><c>Synod:Testing:UnsafeLocalReads</c>: the deliberately broken read path.</summary>
    public bool UnsafeLocalReads { get; init; }

    /// <summary><c>Synod:Testing:NoGatewayRelay</c>: the gateway never relays a call through another silo.</summary>
    public bool NoGatewayRelay { get; init; }

    /// <summary>How long the silo may take to say it is up. Default 30 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>One silo process started from the built Synod.Silo.dll with a generated config file.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(int id, Process process)
    {
        Id = id;
        _process = process;
    }

    /// <summary>The silo's id.</summary>
    public int Id { get; }

    /// <summary>The operating system's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Whether the process is stopped by <see cref="Pause"/>.</summary>
    public bool Paused { get; private set; }

    /// <summary>Everything the process printed so far.</summary>
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

    /// <summary>Writes silo <paramref name="id"/>'s config file, starts it and waits until it says it is up.</summary>
    public static async Task<SiloProcess> StartAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey, int keyValueGroups = 4, int silos = 3, string? zone = null, string byzantine = "", SiloLaunchOptions? launch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        launch ??= new SiloLaunchOptions();
        SiloProcess silo = Launch(id, await WriteConfigAsync(id, ports, dataDirectory, clusterKey, keyValueGroups, silos, zone, byzantine, launch).ConfigureAwait(false), launch);
        try
        {
            await silo._up.Task.WaitAsync(launch.StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            // Not up: the process is not left behind.
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return silo;
    }

    /// <summary>Starts a silo and waits for it to exit on its own (a start that must fail); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToFailureAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey)
    {
        var launch = new SiloLaunchOptions();
        await using SiloProcess silo = Launch(id, await WriteConfigAsync(id, ports, dataDirectory, clusterKey, launch: launch).ConfigureAwait(false), launch);
        await silo._process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return (silo._process.ExitCode, silo.Output);
    }

    private static async Task<string> WriteConfigAsync(int id, ClusterPorts ports, string dataDirectory, string clusterKey, int keyValueGroups = 4, int silos = 3, string? zone = null, string byzantine = "", SiloLaunchOptions? launch = null)
    {
        launch ??= new SiloLaunchOptions();
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
                Testing = new { launch.FaultInjection, launch.UnsafeLocalReads, launch.NoGatewayRelay },
            },
        })).ConfigureAwait(false);
        return config;
    }

    private static SiloProcess Launch(int id, string config, SiloLaunchOptions launch)
    {
        if (!File.Exists(launch.SiloAssembly))
        {
            throw new FileNotFoundException($"the silo assembly {launch.SiloAssembly} does not exist (build src/Silo first)", launch.SiloAssembly);
        }

        var start = new ProcessStartInfo("dotnet", [launch.SiloAssembly, "--config", config])
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

    /// <summary>SIGSTOP: the process stops running (its sockets stay open) until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        Signal("-STOP");
        Paused = true;
    }

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public void Resume()
    {
        Signal("-CONT");
        Paused = false;
    }

    private void Signal(string signal)
    {
        using Process kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
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

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs.</summary>
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
