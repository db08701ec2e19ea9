using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary><c>synod status</c>: the cluster as one silo sees it, as two tables (silos; groups and their replicas).</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var gateways = GatewayOption.Create();
        var command = new Command("status", "Show the cluster: silos, groups, and each replica's role, term, commit and applied index") { gateways };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, _, token) =>
        {
            var status = await client.GetStatusAsync(token).ConfigureAwait(false);
            Render(status, CreateConsole(output));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    internal static void Render(SynodClusterStatus status, IAnsiConsole console)
    {
        console.WriteLine($"Cluster as silo {status.Silo} sees it: {status.Silos.Count(s => s.Up)} of {status.Silos.Count} silos up, {status.Groups.Count} groups");

        var silos = new Table { Title = new TableTitle("Silos") }.AddColumns("Silo", "HTTP API", "State");
        foreach (var silo in status.Silos.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            silos.AddRow(Cell(silo.Id), Cell(silo.HttpAddress), Cell(silo.Up ? "up" : "DOWN"));
        }

        console.Write(silos);

        var groups = new Table { Title = new TableTitle("Groups and replicas") }.AddColumns("Group", "Protocol", "Replica", "Silo", "Role", "Term", "Leader", "Commit", "Applied");
        foreach (var column in groups.Columns.Skip(5))
        {
            column.RightAligned();
        }

        // For a PBFT group the term column holds the view and the leader column the primary, whose
        // index may be 0 (PBFT replicas are numbered from 0).
        foreach (var group in status.Groups.OrderBy(g => g.Group, StringComparer.Ordinal))
        {
            foreach (var replica in group.Replicas.OrderBy(r => r.Replica))
            {
                groups.AddRow(
                    Cell(group.Group), Cell(group.Protocol), Cell(replica.Replica), Cell(replica.Silo), Cell(replica.Quiet ? $"{replica.Role} (quiet)" : replica.Role),
                    Cell(replica.Term), Cell(replica.Leader == 0 && group.Protocol != "pbft" ? "-" : replica.Leader.ToString(CultureInfo.InvariantCulture)),
                    Cell(replica.CommitIndex), Cell(replica.AppliedIndex));
            }
        }

        console.Write(groups);
    }

    /// <summary>
    /// A console over the command's output. Colours and a terminal's width only when that output is
    /// the real terminal; written to a file or a pipe, the tables are plain and never wrapped.
    /// </summary>
    internal static IAnsiConsole CreateConsole(TextWriter output)
    {
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    // Text, not markup: a silo id or role must never be read as Spectre markup ("[red]").
    private static Text Cell(string text) => new(text);

    private static Text Cell(ulong number) => new(number.ToString(CultureInfo.InvariantCulture));
}
