using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Synod.Grains.Pbft;
using Synod.Grains.Raft;
using Synod.Silo.Hosting;
using Synod.Silo.Telemetry;

// dotnet run --project src/Silo                  the four-silo development cluster in this process
// dotnet run --project src/Silo -- --config F    one silo, configured by F (JSON) and Synod__Silo__* variables
IConfiguration configuration = new ConfigurationBuilder()
    .AddCommandLine(args, new Dictionary<string, string> { ["--config"] = "ConfigFile" })
    .Build();
string? configFile = configuration["ConfigFile"];
List<SiloOptions> silos;
IConfiguration settings;
if (configFile is null)
{
    silos = [.. DevCluster.Silos()];
    settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
}
else
{
    settings = new ConfigurationBuilder()
        .AddJsonFile(Path.GetFullPath(configFile), optional: false)
        .AddEnvironmentVariables()
        .Build();
    silos = [settings.GetSection("Synod:Silo").Get<SiloOptions>() ?? throw new InvalidOperationException($"{configFile} has no Synod:Silo section.")];
}

// Synod:Raft and Synod:Pbft (file or Synod__Raft__* / Synod__Pbft__* variables, in the dev
// cluster too): the replicas' settings; PBFT's are bound once per silo (the host sets its Byzantine mode).
// Synod:Testing: fault-injection switches for tests, all off by default (see SiloTestingOptions).
SiloTestingOptions testing = settings.GetSection("Synod:Testing").Get<SiloTestingOptions>() ?? new SiloTestingOptions();
RaftReplicaOptions raft = settings.GetSection("Synod:Raft").Get<RaftReplicaOptions>() ?? new RaftReplicaOptions();

// Synod:Telemetry (Synod__Telemetry__OtlpEndpoint=http://collector:4317): OTLP export of the Synod
// meter and spans, one exporter for the process; nothing is built or exported without an endpoint.
TelemetryOptions telemetryOptions = TelemetryOptions.FromConfiguration(settings);

using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var hosts = new List<SiloHost>();

// The dev cluster's silos share this process, so its dashboard has a fault panel (issue 7).
Synod.Silo.Dashboard.DevClusterControl? devCluster = configFile is null ? new(options => new SiloHost(options, loggerFactory, raft, PbftSettings())) : null;
using var stopping = new CancellationTokenSource();
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
SiloTelemetry? telemetry = null;
try
{
    telemetry = SiloTelemetry.Start(telemetryOptions);
    if (telemetry is not null)
    {
        Console.WriteLine($"telemetry: exporting metrics and traces over OTLP ({telemetryOptions.OtlpProtocol}) to {telemetryOptions.OtlpEndpoint}");
    }

    foreach (SiloOptions options in silos)
    {
        SiloHost host = devCluster?.Create(options) ?? new SiloHost(options, loggerFactory, raft, PbftSettings()) { Testing = testing };
        hosts.Add(host);
        await host.StartAsync(stopping.Token);
        Console.WriteLine($"silo {options.Id}: HTTP API {options.HttpEndpoint}  transport {options.TransportEndpoint}  data {Path.GetFullPath(options.DataDirectory)}");
    }

    Console.WriteLine(configFile is null
        ? "Synod dev cluster is up. Try: dotnet run --project src/Cli -- kv put a 1 && dotnet run --project src/Cli -- kv get a   (Ctrl+C stops it)"
        : "Synod silo is up (SIGTERM or Ctrl+C stops it).");
    await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}
catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.DataAnnotations.ValidationException)
{
    Console.Error.WriteLine($"synod silo: {error.Message}");
    return 2;
}
finally
{
    Console.WriteLine("stopping: handing off leadership and flushing storage...");
    if (devCluster is not null)
    {
        await devCluster.StopAllAsync();
        devCluster.Dispose();
    }

    foreach (SiloHost host in hosts.Where(_ => devCluster is null))
    {
        await host.DisposeAsync();
    }

    telemetry?.Dispose();
}

// A fresh PBFT settings object per silo (the host sets its own Byzantine mode on it).
PbftReplicaOptions PbftSettings() => settings.GetSection("Synod:Pbft").Get<PbftReplicaOptions>() ?? new PbftReplicaOptions();
