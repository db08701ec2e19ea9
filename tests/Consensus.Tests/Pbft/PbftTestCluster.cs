using System.Text;
using Synod.Consensus.Pbft;

namespace Synod.Consensus.Tests.Pbft;

/// <summary>
/// n PBFT replicas wired in memory with a FIFO network. Replicas can be silenced, and a filter
/// can rewrite or drop any message, which is how tests make a replica Byzantine.
/// </summary>
internal sealed class PbftTestCluster
{
    private readonly Queue<(int To, PbftMessage Message)> _network = new();

    public PbftTestCluster(int n, int checkpointInterval = 4, int timeoutTicks = 10)
    {
        Replicas = Enumerable.Range(0, n)
            .Select(i => new PbftReplica(
                new PbftConfig { ReplicaCount = n, Id = new ReplicaIndex(i), CheckpointInterval = checkpointInterval, WatermarkWindow = checkpointInterval * 4, RequestTimeoutTicks = timeoutTicks, MaxViewChangeTimeoutTicks = timeoutTicks * 64 },
                TestKeys.For(i, n)))
            .ToArray();
        Executed = Enumerable.Range(0, n).Select(_ => new List<string>()).ToArray();
    }

    public PbftReplica[] Replicas { get; }

    /// <summary>What each replica executed, as "seq:client@timestamp" strings in order.</summary>
    public List<string>[] Executed { get; }

    public HashSet<int> Silent { get; } = [];

    /// <summary>Rewrites (or drops, by returning null) a message from one replica to another.</summary>
    public Func<int, int, PbftMessage, PbftMessage?>? Filter { get; set; }

    /// <summary>A request with a valid client authenticator for a four-replica group.</summary>
    public static ClientRequest Request(ulong client, ulong timestamp, string operation = "op") =>
        TestKeys.SignAsClient(new ClientRequest(client, timestamp, Encoding.UTF8.GetBytes(operation)), 4);

    public void SubmitToAll(ClientRequest request)
    {
        foreach (var replica in Replicas)
        {
            replica.Submit(request);
        }
    }

    public void Stabilize()
    {
        for (var round = 0; round < 100_000; round++)
        {
            var progressed = false;
            for (var i = 0; i < Replicas.Length; i++)
            {
                if (Replicas[i].HasReady)
                {
                    progressed |= Handle(i, Replicas[i].TakeReady());
                }
            }

            while (_network.TryDequeue(out var item))
            {
                Replicas[item.To].Step(item.Message);
                progressed = true;
            }

            if (!progressed)
            {
                return;
            }
        }

        throw new InvalidOperationException("did not stabilize");
    }

    public void TickAll(int ticks)
    {
        for (var t = 0; t < ticks; t++)
        {
            foreach (var replica in Replicas)
            {
                replica.Tick();
            }

            Stabilize();
        }
    }

    /// <summary>State transfers served: (replica, checkpoint) in order.</summary>
    public List<(int Replica, SequenceNumber Sequence)> Transfers { get; } = [];

    // Returns whether the Ready did anything (a state transfer no peer can serve yet does not).
    private bool Handle(int from, PbftReady ready)
    {
        bool transferred = ready.FetchStateUpTo is { } upTo && TryTransferState(from, upTo);
        HandleMessagesAndExecution(from, ready);
        return transferred || ready.Messages.Length > 0 || ready.Execute.Length > 0;
    }

    // A state transfer from any replica that executed past the checkpoint: its history up to there.
    private bool TryTransferState(int to, SequenceNumber upTo)
    {
        int source = Enumerable.Range(0, Replicas.Length).FirstOrDefault(i => i != to && Replicas[i].LastExecuted >= upTo, -1);
        if (source < 0)
        {
            return false;
        }

        List<string> prefix = [.. Executed[source].Where(e => ulong.Parse(e[..e.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) <= upTo.Value)];
        Executed[to].Clear();
        Executed[to].AddRange(prefix);
        var timestamps = new Dictionary<ulong, ulong>();
        foreach (string entry in prefix)
        {
            string[] parts = entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('@');
            ulong client = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            timestamps[client] = Math.Max(timestamps.GetValueOrDefault(client), ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        Replicas[to].StateTransferred(upTo, timestamps);
        Transfers.Add((to, upTo));
        return true;
    }

    private void HandleMessagesAndExecution(int from, PbftReady ready)
    {
        foreach (var batch in ready.Execute)
        {
            foreach (var request in batch.Batch)
            {
                Executed[from].Add($"{batch.Sequence}:{request.Client}@{request.Timestamp}");
            }

            if (batch.Sequence.Value % 4 == 0)
            {
                Replicas[from].ReportCheckpoint(batch.Sequence, Digest.Of(Encoding.UTF8.GetBytes(string.Join(',', Executed[from]))));
            }
        }

        if (Silent.Contains(from))
        {
            return;
        }

        foreach (var outgoing in ready.Messages)
        {
            for (var to = 0; to < Replicas.Length; to++)
            {
                if (to == from || (outgoing.To is { } target && target.Value != to))
                {
                    continue;
                }

                var message = Filter is null ? outgoing.Message : Filter(from, to, outgoing.Message);
                if (message is not null)
                {
                    _network.Enqueue((to, message));
                }
            }
        }
    }
}
