using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Pbft;

/// <summary>
/// Client calls waiting for their request to execute, by client and timestamp; bounded. A call is
/// answered when its request executes, or as pending when the same client's later request executes
/// (the older one never will) or the replica stops.
/// </summary>
internal sealed class PbftReplyWaiters(int capacity)
{
    private readonly SortedDictionary<ulong, SortedDictionary<ulong, List<TaskCompletionSource<PbftReply>>>> _byClient = [];
    private int _count;

    public int Count => _count;

    /// <summary>A task for the reply to (client, timestamp), or null when the table is full.</summary>
    public Task<PbftReply>? TryWait(ulong client, ulong timestamp)
    {
        if (_count >= capacity)
        {
            return null;
        }

        if (!_byClient.TryGetValue(client, out var byTimestamp))
        {
            _byClient[client] = byTimestamp = [];
        }

        if (!byTimestamp.TryGetValue(timestamp, out var list))
        {
            byTimestamp[timestamp] = list = [];
        }

        var waiter = new TaskCompletionSource<PbftReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        list.Add(waiter);
        _count++;
        return waiter.Task;
    }

    /// <summary>Answers the calls for (client, timestamp) with <paramref name="reply"/>, and those for older timestamps with <paramref name="superseded"/>.</summary>
    public void Complete(ulong client, ulong timestamp, PbftReply reply, PbftReply superseded)
    {
        if (!_byClient.TryGetValue(client, out var byTimestamp))
        {
            return;
        }

        foreach (ulong waiting in byTimestamp.Keys.Where(t => t <= timestamp).ToArray())
        {
            byTimestamp.Remove(waiting, out var list);
            _count -= list!.Count;
            foreach (TaskCompletionSource<PbftReply> waiter in list)
            {
                waiter.TrySetResult(waiting == timestamp ? reply : superseded);
            }
        }

        if (byTimestamp.Count == 0)
        {
            _byClient.Remove(client);
        }
    }

    public void FailAll(PbftReply reply)
    {
        foreach (TaskCompletionSource<PbftReply> waiter in _byClient.Values.SelectMany(b => b.Values).SelectMany(l => l))
        {
            waiter.TrySetResult(reply);
        }

        _byClient.Clear();
        _count = 0;
    }
}
