using System.Collections.Immutable;

namespace Synod.Consensus.Generals;

/// <summary>
/// Lamport, Shostak and Pease's oral-messages algorithm OM(m) ("The Byzantine Generals Problem",
/// 1982, §3), run to completion for one scenario. With more than 3m generals and at most m
/// traitors it satisfies IC1 and IC2 (Theorem 1); with 3m or fewer generals it need not.
/// </summary>
public static class OralMessages
{
    public static OralMessagesOutcome Run(OralMessagesScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.Validate();

        var exchange = new MessageExchange(scenario);
        exchange.Run(MessagePath.Commander, scenario.Order, scenario.Depth);

        var decisions = ImmutableArray.CreateBuilder<LieutenantDecision>();
        foreach (var lieutenant in MessagePath.Commander.Lieutenants(scenario.Generals))
        {
            if (!scenario.IsTraitor(lieutenant))
            {
                decisions.Add(new LieutenantDecision(lieutenant, Decide(exchange, scenario, lieutenant, MessagePath.Commander, scenario.Depth)));
            }
        }

        return new OralMessagesOutcome(scenario, decisions.ToImmutable(), exchange.Transcript);
    }

    /// <summary>
    /// How many messages OM(<paramref name="depth"/>) among <paramref name="generals"/> generals sends:
    /// (n-1) + (n-1)(n-2) + … for m+1 levels, since the path of a message at level k has k distinct
    /// generals and goes to each general not on it. Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public static long MessageCount(int generals, int depth)
    {
        long total = 0;
        long level = 1;
        for (var onPath = 1; onPath <= depth + 1 && onPath < generals; onPath++)
        {
            if (level > long.MaxValue / generals)
            {
                return long.MaxValue;
            }

            level *= generals - onPath;
            total += level;
        }

        return total;
    }

    /// <summary>
    /// The value <paramref name="lieutenant"/> uses for the OM(<paramref name="depth"/>) instance
    /// commanded by <c>path.Sender</c>. OM(0), step 2: the value received from that commander.
    /// OM(m), step 3: majority(v1, …, vn-1) of that value and, for each other lieutenant j of the
    /// instance, the value he computes for the OM(m-1) that j commands (paper §3).
    /// </summary>
    private static Order Decide(MessageExchange exchange, OralMessagesScenario scenario, GeneralId lieutenant, MessagePath path, int depth)
    {
        var own = exchange.Received(path, lieutenant);
        if (depth == 0)
        {
            return own;
        }

        var values = new List<Order> { own };
        foreach (var other in path.Lieutenants(scenario.Generals))
        {
            if (other != lieutenant)
            {
                values.Add(Decide(exchange, scenario, lieutenant, path.Append(other), depth - 1));
            }
        }

        return Orders.Majority(values.ToArray());
    }
}
