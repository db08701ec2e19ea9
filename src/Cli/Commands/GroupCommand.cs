using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary><c>synod group create|list|move</c>: the cluster's consensus groups.</summary>
internal static class GroupCommand
{
    public static Command Create()
    {
        var gateways = GatewayOption.Create();
        var group = new Command("group", "Create, list and move consensus groups") { gateways };
        group.Subcommands.Add(CreateCreate(gateways));
        group.Subcommands.Add(CreateList(gateways));
        group.Subcommands.Add(CreateMove(gateways));
        return group;
    }

    /// <summary>How long a command waits for moves to finish, and how often it looks.</summary>
    internal static Option<TimeSpan> TimeoutOption() => new("--timeout")
    {
        Description = "How long to wait for the moves to finish, e.g. 90s or 5m (default 5m)",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        CustomParser = Durations.Parse,
    };

    internal static Option<bool> NoWaitOption() => new("--no-wait") { Description = "Return once the change is recorded; the cluster finishes it in the background" };

    private static Command CreateCreate(Option<string[]> gateways)
    {
        var protocol = new Option<string>("--protocol") { Description = "raft or pbft", DefaultValueFactory = _ => "raft" };
        protocol.AcceptOnlyFromAmong("raft", "pbft");
        var replicas = new Option<uint?>("--replicas") { Description = "Replicas per group: 1, 3, 5 or 7 for raft; 3f+1 for pbft (default 3, or 4 for pbft)" };
        var count = new Option<uint>("--count") { Description = "How many groups (default 1)", DefaultValueFactory = _ => 1 };
        var machine = new Option<string>("--machine") { Description = "The state machine: kv or lock (raft only)", DefaultValueFactory = _ => "kv" };
        machine.AcceptOnlyFromAmong("kv", "lock");
        var command = new Command("create", "Create groups; prints their names, one per line") { protocol, replicas, count, machine };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, _, token) =>
        {
            var spec = new SynodGroupSpec(parse.GetValue(protocol)!, parse.GetValue(replicas), parse.GetValue(count), parse.GetValue(machine)!);
            foreach (string name in await client.CreateGroupsAsync(spec, token).ConfigureAwait(false))
            {
                await output.WriteLineAsync(name).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList(Option<string[]> gateways)
    {
        var command = new Command("list", "Show every group: protocol, machine, slots, replicas' silos, known leader; and moves under way");
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, _, token) =>
        {
            SynodGroupList list = await client.ListGroupsAsync(token).ConfigureAwait(false);
            IAnsiConsole console = StatusCommand.CreateConsole(output);
            console.WriteLine($"{list.Groups.Count} groups (directory version {list.Version}), {list.Moves.Count} moves under way");
            var table = new Table().AddColumns("Group", "Protocol", "Machine", "Slots", "Replicas (replica@silo)", "Leader");
            foreach (SynodGroupInfo group in list.Groups)
            {
                string placement = string.Join(" ", group.Replicas.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Replica}@{r.Silo}")));
                table.AddRow(
                    Markup.Escape(group.Group), group.Protocol, group.Machine, group.Slots.ToString(CultureInfo.InvariantCulture),
                    placement, group.Leader?.ToString(CultureInfo.InvariantCulture) ?? "-");
            }

            console.Write(table);
            foreach (SynodMove move in list.Moves)
            {
                console.WriteLine($"moving {move.Group}: replica {move.FromReplica} → {move.ToReplica}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateMove(Option<string[]> gateways)
    {
        var group = new Argument<string>("GROUP") { Description = "The group, for example kv-3" };
        var from = new Option<int>("--from") { Description = "The silo whose replica moves", Required = true };
        var to = new Option<int>("--to") { Description = "The silo it moves to (default: the cluster's placement picks)" };
        var noWait = NoWaitOption();
        var timeout = TimeoutOption();
        var command = new Command("move", "Move a replica to another silo as a Raft membership change (learner, promote, remove); waits until done") { group, from, to, noWait, timeout };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            string name = parse.GetValue(group)!;
            SynodMove move = await client.MoveReplicaAsync(name, parse.GetValue(from), parse.GetValue(to), token).ConfigureAwait(false);
            await output.WriteLineAsync($"moving {name}: replica {move.FromReplica} on silo {parse.GetValue(from)} → replica {move.ToReplica} on silo {move.ToSilo}").ConfigureAwait(false);
            if (parse.GetValue(noWait))
            {
                return ExitCodes.Ok;
            }

            bool done = await WaitAsync(client, list => list.Moves.All(m => m.Group != name), parse.GetValue(timeout), token).ConfigureAwait(false);
            await (done ? output.WriteLineAsync("OK") : error.WriteLineAsync("synod: the move is still under way; see synod group list")).ConfigureAwait(false);
            return done ? ExitCodes.Ok : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }

    /// <summary>Polls the group list until <paramref name="done"/> holds or the timeout passes.</summary>
    internal static async Task<bool> WaitAsync(SynodClient client, Func<SynodGroupList, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (!done(await client.ListGroupsAsync(limit.Token).ConfigureAwait(false)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), limit.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout passed: the caller reports that the work is still under way.
            return false;
        }
    }
}
