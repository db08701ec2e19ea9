using System.Collections.Immutable;
using System.CommandLine;
using Synod.Consensus.Generals;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>synod sim om</c>: runs the oral-messages algorithm OM(M) (Lamport, Shostak, Pease 1982, §3)
/// over every placement of M traitors among N generals, every traitor strategy and each commander
/// order, and checks IC1 and IC2 in every run.
/// </summary>
internal static class OmCommand
{
    private const int StrategyWidth = 15;
    private const int VerdictWidth = 27;

    public static Command Create()
    {
        var generals = new Option<int>("--generals") { Description = "How many generals, the commander (id 0) included", Required = true };
        var traitors = new Option<int>("--traitors") { Description = "How many generals are traitors in each placement; the run is OM(traitors)", Required = true };
        var order = new Option<Order?>("--order") { Description = "The order a loyal commander gives: attack or retreat (default: both, one run each)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random traitor strategy", DefaultValueFactory = _ => 1 };
        generals.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 2 or > OralMessagesScenario.MaxGenerals)
            {
                result.AddError($"--generals must be in [2, {OralMessagesScenario.MaxGenerals}]");
            }
        });
        traitors.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--traitors must not be negative");
            }
        });

        var command = new Command("om", "Run Lamport's oral-messages algorithm OM(m) over every traitor placement and strategy, checking IC1 and IC2")
        {
            generals, traitors, order, seed,
        };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(order);
            var options = new OralMessagesSearchOptions
            {
                Generals = parse.GetValue(generals),
                Traitors = parse.GetValue(traitors),
                Depth = parse.GetValue(traitors),
                CommanderOrders = chosen is { } one ? [one] : [Order.Attack, Order.Retreat],
                Strategies = TraitorStrategies.Standard(parse.GetValue(seed)),
            };
            return Run(options);
        });
        return command;
    }

    private static int Run(OralMessagesSearchOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException invalid)
        {
            // Validate only rejects option combinations (too many generals, traitors or runs); say which and stop.
            Console.Error.WriteLine($"om sim: {invalid.Message}");
            return 2;
        }

        Console.WriteLine(
            $"OM({options.Depth}) among {options.Generals} generals: {options.PlacementCount()} placements of {options.Traitors} traitor(s), " +
            $"commander orders {string.Join(" and ", options.CommanderOrders.Select(Orders.Name))}, strategies {string.Join(", ", options.Strategies.Select(s => s.Name))}");
        ImmutableArray<GeneralId>? placement = null;
        var result = OralMessagesSearch.Run(options, @case =>
        {
            if (placement is not { } current || !current.SequenceEqual(@case.Scenario.Traitors))
            {
                placement = @case.Scenario.Traitors;
                Console.WriteLine(PlacementHeader(@case.Scenario));
            }

            PrintCase(@case);
        });

        Console.WriteLine($"om sim: {options.Generals} generals, {options.Traitors} traitors, {result.Placements} placements, {result.ViolationCount} violations");
        return result.ViolationCount == 0 ? 0 : 1;
    }

    private static string PlacementHeader(OralMessagesScenario scenario)
    {
        var who = scenario.Traitors.IsEmpty
            ? "no traitor"
            : scenario.CommanderIsLoyal ? "loyal commander" : "the commander is a traitor";
        return $"traitors {OralMessagesFormat.Generals(scenario.Traitors)}: {who}";
    }

    private static void PrintCase(OralMessagesCase @case)
    {
        var scenario = @case.Scenario;
        Console.WriteLine(
            $"  {Orders.Name(scenario.Order),-8}{scenario.Strategy.Name.PadRight(StrategyWidth)}" +
            $"{OralMessagesFormat.Verdict(@case.Verdict).PadRight(VerdictWidth)} {OralMessagesFormat.Decisions(@case.Outcome)}");
        if (!@case.Verdict.Holds)
        {
            Console.WriteLine($"    VIOLATION {OralMessagesFormat.Describe(@case)}");
        }
    }
}
