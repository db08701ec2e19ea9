using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Synod.Grains.Interfaces;

namespace Synod.Runtime.Grains;

/// <summary>
/// One live grain instance and its mailbox. A single loop takes turns from the mailbox and runs
/// each to completion — awaiting inside a turn included — before taking the next, so the grain's
/// code is never entered by two turns at once (Orleans' non-reentrant activations).
/// </summary>
internal sealed class Activation
{
    private readonly Channel<Turn> _mailbox;
    private readonly ILogger _logger;
    private readonly RuntimeCounters _counters;
    private readonly CancellationToken _stopping;
    private readonly Task _loop;
    private int _tickQueued;
    private readonly Lock _deactivating = new();
    private Task? _deactivation;

    public Activation(Grain grain, IGrainContext context, int mailboxCapacity, ILogger logger, RuntimeCounters counters, CancellationToken stopping)
    {
        _stopping = stopping;
        Grain = grain;
        Id = context.Id;
        _logger = logger;
        _counters = counters;
        _mailbox = Channel.CreateBounded<Turn>(new BoundedChannelOptions(mailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        grain.Attach(context);

        // The first turn, queued before anything else can be.
        _mailbox.Writer.TryWrite(new Turn(TurnKind.Activate, grain.OnActivateAsync, null));
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public GrainId Id { get; }

    public Grain Grain { get; }

    /// <summary>Queues a turn and returns when it has run; waits for room in the mailbox.</summary>
    public async Task RunTurnAsync(TurnKind kind, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _mailbox.Writer.WriteAsync(new Turn(kind, work, completion, Activity.Current), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed)
        {
            throw new GrainUnavailableException(Id, "it is deactivating", closed);
        }

        await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a turn nobody waits for; false (counted) when the mailbox is full or closed.</summary>
    public bool TryQueue(TurnKind kind, Func<CancellationToken, Task> work)
    {
        if (_mailbox.Writer.TryWrite(new Turn(kind, work, null)))
        {
            return true;
        }

        _counters.MailboxFull(kind);
        return false;
    }

    /// <summary>Queues a tick unless one is already waiting, so a slow grain never builds a backlog of ticks.</summary>
    public void TryQueueTick()
    {
        if (Grain is not ITickable tickable || Interlocked.Exchange(ref _tickQueued, 1) == 1)
        {
            return;
        }

        bool queued = _mailbox.Writer.TryWrite(new Turn(TurnKind.Tick, token =>
        {
            Volatile.Write(ref _tickQueued, 0);
            return tickable.OnTickAsync(token);
        }, null));
        if (!queued)
        {
            Volatile.Write(ref _tickQueued, 0);
            _counters.MailboxFull(TurnKind.Tick);
        }
    }

    /// <summary>
    /// Runs what is queued, then the grain's deactivation turn, and stops. Idempotent: a second
    /// caller (a grain retiring itself while the silo shuts down) awaits the same deactivation.
    /// </summary>
    public Task DeactivateAsync()
    {
        lock (_deactivating)
        {
            return _deactivation ??= RunDeactivationAsync();
        }
    }

    private async Task RunDeactivationAsync()
    {
        // Waits for room: the deactivation turn must not be lost to a full mailbox.
        await _mailbox.Writer.WriteAsync(new Turn(TurnKind.Deactivate, Grain.OnDeactivateAsync, null)).ConfigureAwait(false);
        _mailbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        Exception? broken = null;
        await foreach (Turn turn in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (broken is not null)
            {
                turn.Completion?.TrySetException(new GrainUnavailableException(Id, "its activation failed", broken));
                continue;
            }

            // The loop's own context carries no span: a turn runs under its caller's, if any
            // (the common untraced case touches nothing).
            if (turn.Parent is not null || Activity.Current is not null)
            {
                Activity.Current = turn.Parent;
            }

            try
            {
                await turn.Work(_stopping).ConfigureAwait(false);
                turn.Completion?.TrySetResult();
                _counters.TurnCompleted(turn.Kind);
            }
            catch (Exception error) when (turn.Kind is TurnKind.Activate)
            {
                // A grain that cannot activate takes no turns: every later call fails with the cause.
                broken = error;
                RuntimeLog.TurnFailed(_logger, Id, turn.Kind, error);
                _counters.TurnFailed(turn.Kind);
            }
            catch (Exception error) when (turn.Completion is not null)
            {
                // A request's failure belongs to its caller; the activation serves on.
                turn.Completion.TrySetException(error);
                _counters.TurnFailed(turn.Kind);
            }
#pragma warning disable CA1031 // The runtime's boundary with grain code: any failure is logged and counted.
            catch (Exception error)
#pragma warning restore CA1031
            {
                // Nobody waits for a stream item or a tick: the failure is logged and counted, and
                // the grain decides itself whether it can go on (a replica fail-stops on an
                // invariant breach by refusing further work).
                RuntimeLog.TurnFailed(_logger, Id, turn.Kind, error);
                _counters.TurnFailed(turn.Kind);
            }
        }
    }
}
