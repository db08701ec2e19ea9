using System.Collections.Concurrent;
using Google.Protobuf;
using Synod.Runtime.Transport;

namespace Synod.Runtime.Grains;

/// <summary>
/// Coalesces the stream items bound for one silo: the first item queued schedules a flush, and
/// every item queued before that flush runs leaves in the same transport message (a
/// <see cref="StreamBatch"/>). Under load a batch holds what arrived during the previous send, so
/// the many groups that share a silo pair share its messages (issue 6: coalesced heartbeats).
/// </summary>
internal sealed class StreamOutbox
{
    private readonly SiloId _silo;
    private readonly SiloTransport _transport;
    private readonly RuntimeCounters _counters;
    private readonly int _capacity;
    private readonly int _maxBatchBytes;
    private readonly ConcurrentQueue<TransportMessage> _items = new();

    // One flush drains at a time, so items leave in the order they were queued.
    private readonly Lock _drain = new();

    // Invariant: 0 <= _queued <= _capacity; 1 while a flush is scheduled and has not started draining.
    private int _queued;
    private int _flushScheduled;

    public StreamOutbox(SiloId silo, SiloTransport transport, RuntimeCounters counters, int capacity, int maxBatchBytes)
    {
        _silo = silo;
        _transport = transport;
        _counters = counters;
        _capacity = capacity;
        _maxBatchBytes = maxBatchBytes;
    }

    /// <summary>Queues an item; false (counted) when this silo's outbox is full.</summary>
    public bool TryQueue(TransportMessage item)
    {
        if (Interlocked.Increment(ref _queued) > _capacity)
        {
            Interlocked.Decrement(ref _queued);
            _counters.OutboxFull();
            return false;
        }

        _items.Enqueue(item);
        if (Interlocked.CompareExchange(ref _flushScheduled, 1, 0) == 0)
        {
            // The global queue, so the turns that are publishing right now run first and join the batch.
            ThreadPool.UnsafeQueueUserWorkItem(static outbox => outbox.Flush(), this, preferLocal: false);
        }

        return true;
    }

    private void Flush()
    {
        lock (_drain)
        {
            Volatile.Write(ref _flushScheduled, 0);
            Drain();
        }
    }

    private void Drain()
    {
        var batch = new StreamBatch();
        int bytes = 0;
        while (_items.TryDequeue(out TransportMessage? item))
        {
            Interlocked.Decrement(ref _queued);
            int size = item.CalculateSize();
            if (batch.Items.Count > 0 && bytes + size > _maxBatchBytes)
            {
                Send(batch);
                (batch, bytes) = (new StreamBatch(), 0);
            }

            batch.Items.Add(item);
            bytes += size;
        }

        if (batch.Items.Count > 0)
        {
            Send(batch);
        }
    }

    private void Send(StreamBatch batch)
    {
        TransportMessage message = batch.Items.Count == 1
            ? batch.Items[0]
            : new TransportMessage { Kind = RemoteKinds.StreamBatch, Payload = batch.ToByteString() };

        // A refused message is lost like any other at-most-once delivery; the protocols retransmit.
        _transport.TrySend(_silo, message);
        _counters.StreamMessageSent(batch.Items.Count);
    }
}
