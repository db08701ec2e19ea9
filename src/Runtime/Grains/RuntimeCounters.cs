using System.Diagnostics.Metrics;

namespace Synod.Runtime.Grains;

/// <summary>The runtime's instruments on the <c>Synod</c> meter, with plain totals for tests and status.</summary>
internal sealed class RuntimeCounters : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _turns;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _streamMessages;
    private readonly Counter<long> _streamItems;
    private readonly Counter<long> _outboxFull;
    private readonly Counter<long> _unplaced;
    private long _turnCount;
    private long _tickCount;
    private long _streamMessageCount;
    private long _streamItemCount;
    private long _failureCount;
    private long _droppedCount;

    public RuntimeCounters(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create("Synod") ?? (_ownedMeter = new Meter("Synod"));
        _turns = meter.CreateCounter<long>("synod.runtime.turns", "{turn}", "Activation turns completed");
        _failures = meter.CreateCounter<long>("synod.runtime.turn.failures", "{turn}", "Activation turns that threw");
        _dropped = meter.CreateCounter<long>("synod.runtime.mailbox.dropped", "{turn}", "Stream items and ticks dropped because a mailbox was full");
        _streamMessages = meter.CreateCounter<long>("synod.runtime.stream.messages", "{message}", "Transport messages that carried stream items to other silos (one per batch)");
        _streamItems = meter.CreateCounter<long>("synod.runtime.stream.items", "{item}", "Stream items sent to other silos");
        _outboxFull = meter.CreateCounter<long>("synod.runtime.stream.outbox_full", "{item}", "Stream items dropped because a silo's outbox was full");
        _unplaced = meter.CreateCounter<long>("synod.runtime.unplaced.dropped", "{item}", "Stream items dropped because no silo hosts their consumer (a replica that moved away)");
    }

    public long Turns => Interlocked.Read(ref _turnCount);

    public long Failures => Interlocked.Read(ref _failureCount);

    public long Dropped => Interlocked.Read(ref _droppedCount);

    public long Ticks => Interlocked.Read(ref _tickCount);

    public long StreamMessages => Interlocked.Read(ref _streamMessageCount);

    public long StreamItems => Interlocked.Read(ref _streamItemCount);

    public void TurnCompleted(TurnKind kind)
    {
        Interlocked.Increment(ref _turnCount);
        if (kind == TurnKind.Tick)
        {
            Interlocked.Increment(ref _tickCount);
        }

        _turns.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)));
    }

    public void TurnFailed(TurnKind kind)
    {
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)));
    }

    public void MailboxFull(TurnKind kind)
    {
        Interlocked.Increment(ref _droppedCount);
        _dropped.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)));
    }

    public void StreamMessageSent(int items)
    {
        Interlocked.Increment(ref _streamMessageCount);
        Interlocked.Add(ref _streamItemCount, items);
        _streamMessages.Add(1);
        _streamItems.Add(items);
    }

    public void OutboxFull()
    {
        Interlocked.Increment(ref _droppedCount);
        _outboxFull.Add(1);
    }
    public void Unplaced() => _unplaced.Add(1);

    public void Dispose() => _ownedMeter?.Dispose();

    private static string Name(TurnKind kind) => kind switch
    {
        TurnKind.Activate => "activate",
        TurnKind.Request => "request",
        TurnKind.StreamItem => "stream",
        TurnKind.Tick => "tick",
        TurnKind.Internal => "internal",
        _ => "deactivate",
    };
}
