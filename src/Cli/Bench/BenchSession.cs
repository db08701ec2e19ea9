using Spectre.Console;
using Synod.Cli.Commands;
using Synod.Client;

namespace Synod.Cli.Bench;

/// <summary>
/// One <c>synod bench</c> run from settings to summary: builds the driver and the key set,
/// preloads the keys when the run reads, runs the load with a progress display (Spectre.Console's
/// live table on a terminal, one plain line a second otherwise; on standard error with
/// <c>--json</c>), then prints the summary.
/// </summary>
internal static class BenchSession
{
    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        IBenchDriver driver;
        try
        {
            driver = await CreateDriverAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is HttpRequestException or InvalidOperationException or SynodException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // Expected: the cluster cannot be reached, or its directory lacks what was asked for.
            await error.WriteLineAsync($"synod: bench: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        using (driver)
        {
            var runner = new BenchRunner(driver, settings);
            if (settings.ReadRatio > 0)
            {
                try
                {
                    await runner.PreloadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception failure) when (driver.IsFailure(failure))
                {
                    // Expected: a write of the preload failed; reads of unwritten keys would measure something else.
                    await error.WriteLineAsync($"synod: bench: writing the keys before the reads failed: {failure.Message}").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }
            }

            TextWriter progress = settings.Json ? error : output;
            Task<BenchResult> run = runner.RunAsync(cancellationToken);
            if (IsTerminal(progress))
            {
                await ShowLiveAsync(runner, run, progress).ConfigureAwait(false);
            }
            else
            {
                await ShowLinesAsync(runner, run, progress).ConfigureAwait(false);
            }

            BenchResult result = await run.ConfigureAwait(false);
            await output.WriteLineAsync(settings.Json ? BenchReport.Json(result) : BenchReport.Text(result)).ConfigureAwait(false);
            return result.Ops > 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }

    private static async Task<IBenchDriver> CreateDriverAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        // The same value for every write, of seeded random bytes (not compressible into nothing).
        byte[] value = new byte[settings.ValueSizeBytes];
        new Random(8).NextBytes(value);
        if (settings.Target == "etcd")
        {
            return new EtcdBenchDriver(settings.Endpoints, BenchKeys.Plain(settings.Keys, settings.KeySizeBytes), value, TimeSpan.FromSeconds(5));
        }

        string[] keys;
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            keys = await BenchKeys.ForSynodAsync(settings, http, cancellationToken).ConfigureAwait(false);
        }

        var options = new SynodClientOptions
        {
            MaxConcurrentRequests = settings.Concurrency,
            PbftClientSecret = settings.Protocol == "pbft" ? PbftKeysSource.ClientSecret() : [],
        };
        foreach (Uri endpoint in settings.Endpoints)
        {
            options.Gateways.Add(endpoint);
        }

        return new SynodBenchDriver(new SynodClient(options), keys, value);
    }

    private static bool IsTerminal(TextWriter writer) =>
        (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected) || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    private static async Task ShowLinesAsync(BenchRunner runner, Task run, TextWriter progress)
    {
        long before = 0;
        while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false) != run)
        {
            (long ops, long errors) = runner.Counts();
            await progress.WriteLineAsync(BenchReport.Progress(runner.ElapsedSeconds, runner.Measuring, ops, errors, ops - before)).ConfigureAwait(false);
            before = ops;
        }
    }

    private static async Task ShowLiveAsync(BenchRunner runner, Task run, TextWriter progress)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(progress) });
        var table = new Table().AddColumns("Elapsed", "Phase", "Ops", "Errors", "Ops/s (last second)");
        table.AddRow("0s", "warmup", "0", "0", "0");
        await console.Live(table).StartAsync(async context =>
        {
            long before = 0;
            while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false) != run)
            {
                (long ops, long errors) = runner.Counts();
                table.UpdateCell(0, 0, $"{runner.ElapsedSeconds:F0}s").UpdateCell(0, 1, runner.Measuring ? "measure" : "warmup")
                    .UpdateCell(0, 2, ops.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .UpdateCell(0, 3, errors.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .UpdateCell(0, 4, (ops - before).ToString(System.Globalization.CultureInfo.InvariantCulture));
                before = ops;
                context.Refresh();
            }
        }).ConfigureAwait(false);
    }
}
