using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary><c>synod silo list|drain|undrain</c>: the cluster's silos.</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var gateways = GatewayOption.Create();
        var silo = new Command("silo", "List silos, and drain one before it is retired") { gateways };
        silo.Subcommands.Add(CreateList(gateways));
        silo.Subcommands.Add(CreateDrain(gateways, draining: true));
        silo.Subcommands.Add(CreateDrain(gateways, draining: false));
        return silo;
    }

    private static Command CreateList(Option<string[]> gateways)
    {
        var command = new Command("list", "Show every silo: endpoints, labels, replicas hosted, up, draining");
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, _, token) =>
        {
            SynodSiloList list = await client.ListSilosAsync(token).ConfigureAwait(false);
            IAnsiConsole console = StatusCommand.CreateConsole(output);
            var table = new Table().AddColumns("Silo", "HTTP API", "Transport", "Labels", "Replicas", "State");
            foreach (SynodSiloInfo silo in list.Silos)
            {
                string labels = string.Join(" ", silo.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
                string state = (silo.Up ? "up" : "DOWN") + (silo.Draining ? ", draining" : "");
                table.AddRow(
                    silo.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(silo.HttpEndpoint), Markup.Escape(silo.TransportEndpoint),
                    Markup.Escape(labels), silo.Replicas.ToString(CultureInfo.InvariantCulture), state);
            }

            console.Write(table);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateDrain(Option<string[]> gateways, bool draining)
    {
        var silo = new Argument<int>("SILO") { Description = "The silo's id" };
        var noWait = GroupCommand.NoWaitOption();
        var timeout = GroupCommand.TimeoutOption();
        var command = draining
            ? new Command("drain", "Move every Raft replica off SILO (it gets no new ones); waits until it hosts none") { silo, noWait, timeout }
            : new Command("undrain", "Let SILO take replicas again (rebalancing moves some back)") { silo };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            int id = parse.GetValue(silo);
            await client.DrainSiloAsync(id, draining, token).ConfigureAwait(false);
            if (!draining || parse.GetValue(noWait))
            {
                await output.WriteLineAsync("OK").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            bool done = await GroupCommand.WaitAsync(
                client,
                list => list.Moves.Count == 0 && !list.Groups.Any(g => g.Protocol == "raft" && g.Replicas.Any(r => r.Silo == id)),
                parse.GetValue(timeout),
                token).ConfigureAwait(false);
            await (done ? output.WriteLineAsync($"OK: silo {id} hosts no Raft replica") : error.WriteLineAsync($"synod: silo {id} is still draining; see synod group list")).ConfigureAwait(false);
            return done ? ExitCodes.Ok : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }
}
