using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Synod.Grains.Directory;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Gateway;
using MembershipKind = Synod.Grains.Interfaces.Wire.ReplicaMembershipChange.Types.Kind;

namespace Synod.Silo.Hosting;

/// <summary>
/// Carries out replica moves, on the silo whose meta replica leads (so one silo does it at a
/// time, and a successor takes over where it stopped). A move recorded in the directory
/// (<see cref="BeginMove"/>) is a Raft membership change of the group, one server at a time
/// (thesis §4): the new replica joins as a learner, is promoted once caught up, then the old
/// replica is removed, and the directory forgets it. Every step is idempotent, so a move
/// interrupted anywhere is resumed from the directory. With nothing pending it starts the next
/// move <see cref="RebalancePolicy"/> proposes (drains first, then balance when enabled).
/// </summary>
internal sealed class ReplicaMover(
    GrainKeyValueGateway gateway, LayoutHolder layout, Func<bool> leadsMeta, Action<ClusterDirectory> adopt, int self, bool autoRebalance, ILogger logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
            ClusterDirectory directory = layout.Current.Directory;
            if (!layout.FromDirectory || !leadsMeta())
            {
                continue;
            }

            if (directory.Moves.Count > 0)
            {
                await AdvanceAsync(directory.Moves[0], cancellationToken).ConfigureAwait(false);
            }
            else if (RebalancePolicy.Next(directory, autoRebalance) is { } next)
            {
                await ProposeAsync(new DirectoryCommand { BeginMove = next }, "begin move", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AdvanceAsync(PendingMove move, CancellationToken cancellationToken)
    {
        // The target silo activates the new replica once it sees the directory that places it;
        // until then the leader's appends to it are dropped and retransmitted.
        if (!await StepAsync(move.Group, MembershipKind.AddLearner, move.ToReplica, "add learner", cancellationToken).ConfigureAwait(false)
            || !await StepAsync(move.Group, MembershipKind.PromoteLearner, move.ToReplica, "promote", cancellationToken).ConfigureAwait(false)
            || !await StepAsync(move.Group, MembershipKind.RemoveReplica, move.FromReplica, "remove", cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await ProposeAsync(
            new DirectoryCommand { CompleteMove = new CompleteMove { Group = move.Group, FromReplica = move.FromReplica } }, "complete move", cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> StepAsync(string group, MembershipKind kind, ulong replica, string step, CancellationToken cancellationToken)
    {
        SiloHostLog.MoveStep(logger, self, group, replica, step);
        ReplicaAnswer? answer = await gateway.ChangeMembershipAsync(group, new ReplicaMembershipChange { Kind = kind, Replica = replica }, cancellationToken).ConfigureAwait(false);

        // No answer in time (a learner still catching up, no leader): the next round tries again.
        return answer is { Status: ReplicaAnswer.Types.Status.Ok };
    }

    private async Task ProposeAsync(DirectoryCommand command, string operation, CancellationToken cancellationToken)
    {
        ReplicaAnswer? answer = await gateway.ProposeAsync(ClusterLayout.MetaGroup, command.ToByteArray(), cancellationToken).ConfigureAwait(false);
        if (answer is not { Status: ReplicaAnswer.Types.Status.Ok })
        {
            return;
        }

        DirectoryResult result = DirectoryResult.Parser.ParseFrom(answer.Result);
        if (result.Rejected.Length > 0)
        {
            SiloHostLog.DirectoryRefused(logger, self, operation, result.Rejected);
        }

        // Route by the directory the command produced at once, rather than acting on the old one
        // until the next poll.
        if (result.Directory is { } directory)
        {
            adopt(directory);
        }
    }
}
