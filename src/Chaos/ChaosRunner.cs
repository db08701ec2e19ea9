using System.Diagnostics;
using System.Globalization;
using Synod.Client;

namespace Synod.Chaos;

/// <summary>
/// A Jepsen-style run on real silo processes: starts the silos, runs concurrent clients doing
/// reads, writes and compare-and-sets on a few keys while a nemesis cycles faults, then heals the
/// cluster, reads every key, and checks the recorded history for linearizability (the final reads
/// included, so an acknowledged write lost across a restart fails it) and for lost writes.
/// </summary>
public static class ChaosRunner
{
    /// <summary>Runs one chaos run; <paramref name="progress"/> gets a line per fault and phase.</summary>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        bool pbft = options.Protocol == ChaosProtocol.Pbft;
        if (options.Silos != (pbft ? 4 : 3) || options.Clients < 1 || options.Keys < 1 || options.Faults.Count == 0)
        {
            throw new ArgumentException("a chaos run has 3 silos (Raft) or 4 (PBFT), at least one client, one key and one kind of fault", nameof(options));
        }

        if (pbft && (options.Scenario != ChaosScenario.Nemesis || options.UnsafeLocalReads
            || options.Faults.Any(f => f is not (FaultKind.Kill or FaultKind.Pause or FaultKind.RestartAll or FaultKind.Partition))))
        {
            throw new ArgumentException("a PBFT chaos run uses the nemesis with Kill, Pause, RestartAll and Partition only", nameof(options));
        }

        // pbft-0 has f = 1: with a Byzantine replica no other replica may be faulty at the same
        // time, so the only fault is a restart of every silo (a crash of all with their state on
        // disk, after which three correct replicas and the Byzantine one run again).
        if (options.Byzantine.Length > 0 && (!pbft || options.Faults.Any(f => f != FaultKind.RestartAll)))
        {
            throw new ArgumentException("a Byzantine replica needs the PBFT protocol and RestartAll as the only fault (f = 1)", nameof(options));
        }

        string data = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "synod-chaos", $"run-{options.Seed}-{Environment.ProcessId}-{Stopwatch.GetTimestamp()}");
        Directory.CreateDirectory(data);
        try
        {
            await using var cluster = new ChaosCluster(options, data);
            return await new Run(options, cluster, progress).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (options.DataDirectory is null)
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>
    /// Acknowledged writes the final values contradict: a key's final value was written by an
    /// operation that completed before an acknowledged write of the same key was invoked (that later
    /// write must have taken effect after it), or the key is absent although a write was acknowledged.
    /// </summary>
    public static IReadOnlyList<string> FindLostWrites(IReadOnlyList<HistoryOperation> history, IReadOnlyDictionary<string, string?> finalValues)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(finalValues);
        var lost = new List<string>();
        foreach ((string key, string? final) in finalValues)
        {
            HistoryOperation[] writes = [.. history.Where(op => op.Key == key && op.Kind != OperationKind.Read)];
            HistoryOperation[] acknowledged = [.. writes.Where(op => !op.Indeterminate && (op.Kind == OperationKind.Write || op.Succeeded))];
            if (final is null)
            {
                lost.AddRange(acknowledged.Select(op => $"{key} is absent after [{op}]"));
                continue;
            }

            HistoryOperation? writer = writes.FirstOrDefault(op => op.Value == final);
            if (writer is null)
            {
                lost.Add($"{key} holds {final}, which no operation wrote");
                continue;
            }

            long writerCompleted = writer.Completed;
            lost.AddRange(acknowledged.Where(op => op.Invoked > writerCompleted).Select(op => $"{key} holds {final} of [{writer}] although [{op}] began after it and was acknowledged"));
        }

        return lost;
    }

    private sealed class Run(ChaosOptions options, ChaosCluster cluster, TextWriter progress)
    {
        private readonly Stopwatch _clock = new();
        private readonly List<HistoryOperation> _history = [];
        private readonly int[,] _counts = new int[3, 3];
        private readonly string _prefix = options.Protocol == ChaosProtocol.Pbft ? "pbft-0/" : "";
        private readonly string[] _keys = [.. Enumerable.Range(0, options.Keys).Select(i => (options.Protocol == ChaosProtocol.Pbft ? "pbft-0/" : "") + string.Create(CultureInfo.InvariantCulture, $"chaos-{i}"))];
        private volatile bool _stopping;
        private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
        private readonly List<(double Completed, bool Ok)>[] _gatewayWrites = [.. Enumerable.Range(0, cluster.Count + 1).Select(_ => new List<(double, bool)>())];
        private readonly List<string> _leadershipChanges = [];
        private int _statusSamples;
        private (int Leader, int Cut, ulong Term, double CutAt, double HealedAt)? _cut;

        public async Task<ChaosReport> ExecuteAsync(CancellationToken cancellationToken)
        {
            Say($"starting {options.Silos} silos{(options.UnsafeLocalReads ? " in the UNSAFE local-reads mode" : "")}{(options.Byzantine.Length > 0 ? $", silo {options.ByzantineSilo}'s PBFT replica Byzantine ({options.Byzantine})" : "")}");
            await cluster.StartAllAsync(cancellationToken).ConfigureAwait(false);
            _clock.Start();
            await WaitForWritesAsync(cancellationToken).ConfigureAwait(false);
            Say(options.Scenario == ChaosScenario.PartialPartitionAvailability
                ? $"cluster takes writes; {options.Clients} clients on {options.Keys} keys and a writer on each silo's gateway"
                : $"cluster takes writes; {options.Clients} clients on {options.Keys} keys for {options.Duration.TotalSeconds:F0} s");

            bool availability = options.Scenario == ChaosScenario.PartialPartitionAvailability;
            Task[] clients = [.. Enumerable.Range(0, options.Clients).Select(id => Task.Run(() => ClientAsync(id, cancellationToken), cancellationToken)),
                .. availability ? cluster.Ids.Select(silo => Task.Run(() => GatewayWriterAsync(silo, cancellationToken), cancellationToken)) : []];
            var workloadStarted = _clock.Elapsed;
            List<InjectedFault> faults;
            try
            {
                faults = availability
                    ? await AvailabilityAsync(cancellationToken).ConfigureAwait(false)
                    : await NemesisAsync(workloadStarted + options.Duration, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _stopping = true;
                await Task.WhenAll(clients).ConfigureAwait(false);
            }

            Say("healing the cluster");
            await cluster.HealAsync(cancellationToken).ConfigureAwait(false);
            if (options.Protocol == ChaosProtocol.Pbft)
            {
                // The final reads come after a restart of every silo, so an acknowledged write
                // that was not durable on enough correct replicas is missing from them.
                Say("SIGKILL every silo before the final reads");
                foreach (int id in cluster.Ids)
                {
                    await cluster.KillAsync(id).ConfigureAwait(false);
                }

                await cluster.StartAllAsync(cancellationToken).ConfigureAwait(false);
            }

            await WaitForWritesAsync(cancellationToken).ConfigureAwait(false);
            Dictionary<string, string?> finals = await FinalReadsAsync(cancellationToken).ConfigureAwait(false);
            (string? groupStatus, TimeSpan? settled) = options.Protocol == ChaosProtocol.Pbft ? await PbftSettleAsync(cancellationToken).ConfigureAwait(false) : (null, null);

            HistoryOperation[] history;
            lock (_history)
            {
                history = [.. _history];
            }

            Say($"checking {history.Length} operations");
            var checkClock = Stopwatch.StartNew();
            CheckResult check = LinearizabilityChecker.Check(history, options.Budget);
            TimeSpan checkTime = checkClock.Elapsed;
            return new ChaosReport
            {
                Seed = options.Seed,
                Operations = [.. Enum.GetValues<OperationKind>().Select(k => new OperationCounts(k, _counts[(int)k, 0], _counts[(int)k, 1], _counts[(int)k, 2]))],
                Faults = [.. faults.Select((f, i) => f with { OkOperationsAfter = OkBetween(history, f.Healed, i + 1 < faults.Count ? faults[i + 1].Began : double.MaxValue) })],
                Check = check,
                LostWrites = FindLostWrites(history, finals),
                FinalValues = finals,
                CheckTime = checkTime,
                Failures = FailureReasons(),
                Availability = AvailabilityFigures(),
                GroupStatus = groupStatus,
                PbftSettledAfter = settled,
            };
        }

        // After the final restart every replica of pbft-0 must answer in the group's view and have
        // caught up: one that stays unreachable, in another view or far behind is one fault away
        // from a stuck group, though the history (three replicas suffice) cannot show it.
        private const ulong PbftWatermarkWindow = 32;

        // A Byzantine replica's role carries its mode: "Backup (Byzantine: equivocate)".
        private static bool IsPrimaryOrBackup(string role) =>
            role is "Primary" or "Backup" || role.StartsWith("Primary (", StringComparison.Ordinal) || role.StartsWith("Backup (", StringComparison.Ordinal);

        private async Task<(string Status, TimeSpan? Settled)> PbftSettleAsync(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            IReadOnlyList<SynodReplicaStatus> replicas = [];
            while (true)
            {
                try
                {
                    replicas = await cluster.PbftReplicasAsync(2, cancellationToken).ConfigureAwait(false);
                }
                catch (SynodException)
                {
                    // Silo 2 did not answer this time: asked again below, until the bound.
                    replicas = [];
                }

                // Caught up: every replica answers as primary or backup (not faulted, not
                // view-changing), all in one view, each executed to within one watermark window
                // (the silo's default, 32) of the furthest one.
                ulong furthest = replicas.Count == 0 ? 0 : replicas.Max(r => r.AppliedIndex);
                bool settled = replicas.Count == cluster.Count
                    && replicas.All(r => IsPrimaryOrBackup(r.Role) && r.AppliedIndex + PbftWatermarkWindow >= furthest)
                    && replicas.Select(r => r.Term).Distinct().Count() == 1;
                if (settled || clock.Elapsed >= options.PbftSettleTimeout)
                {
                    return (ChaosCluster.Describe(replicas), settled ? clock.Elapsed : null);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }

        private AvailabilityReport? AvailabilityFigures()
        {
            if (_cut is not { } cut)
            {
                return null;
            }

            // The first window is left out: a write in flight when the cut lands, and the first
            // write after it, spend one attempt on the now unreachable leader's silo before the
            // gateway learns to relay (its per-attempt timeout), so that window measures detection,
            // not the relayed steady state.
            const int skipped = 1;
            var gateways = new List<GatewayAvailability>();
            foreach (int silo in cluster.Ids)
            {
                string role = silo == cut.Leader ? "leader" : silo == cut.Cut ? "cut from the leader" : "follower";
                lock (_gatewayWrites)
                {
                    gateways.Add(GatewayAvailability.Measure(silo, role, [.. _gatewayWrites[silo]], cut.CutAt, cut.HealedAt, skipped));
                }
            }

            lock (_leadershipChanges)
            {
                return new AvailabilityReport
                {
                    LeaderSilo = cut.Leader,
                    CutSilo = cut.Cut,
                    Term = cut.Term,
                    CutAt = cut.CutAt,
                    HealedAt = cut.HealedAt,
                    Gateways = gateways,
                    Samples = _statusSamples,
                    LeadershipChanges = [.. _leadershipChanges],
                };
            }
        }

        private Dictionary<string, int> FailureReasons()
        {
            lock (_failures)
            {
                return new Dictionary<string, int>(_failures, StringComparer.Ordinal);
            }
        }

        // Microseconds since the run began: the history's time unit.
        private long Now() => _clock.Elapsed.Ticks / TimeSpan.TicksPerMicrosecond;

        private static double Seconds(long microseconds) => microseconds / 1e6;

        private static int OkBetween(HistoryOperation[] history, double from, double to) =>
            history.Count(op => !op.Indeterminate && Seconds(op.Invoked) >= from && Seconds(op.Completed) <= to);

        private void Say(string line) =>
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {line}"));

        private void Record(HistoryOperation op)
        {
            lock (_history)
            {
                _history.Add(op);
            }
        }

        private void Count(OperationKind kind, int outcome) => Interlocked.Increment(ref _counts[(int)kind, outcome]);

        private void Failed(OperationKind kind, int outcome, SynodException error)
        {
            Count(kind, outcome);
            lock (_failures)
            {
                string reason = $"{kind} {error.Code}: {error.Message}";
                _failures[reason] = _failures.GetValueOrDefault(reason) + 1;
            }
        }

        private SynodClient Client(int id, bool routeByDirectory)
        {
            var clientOptions = new SynodClientOptions
            {
                RouteByDirectory = routeByDirectory,
                RequestTimeout = options.ClientRequestTimeout,
                MaxAttempts = 3,
                RetryMaxDelay = TimeSpan.FromMilliseconds(500),
                PbftClientSecret = cluster.PbftClientSecret(),

                // Past a view change (the 2 s retransmission, then the backups' view-change timer).
                PbftOperationTimeout = TimeSpan.FromSeconds(10),
            };

            // Each client starts at its own silo's gateway and fails over to the others in turn.
            foreach (int silo in Enumerable.Range(0, cluster.Count).Select(i => ((id + i) % cluster.Count) + 1))
            {
                clientOptions.Gateways.Add(cluster.Gateway(silo));
            }

            return new SynodClient(clientOptions);
        }

        private async Task ClientAsync(int id, CancellationToken cancellationToken)
        {
            var random = new Random(HashCode.Combine(options.Seed, id));

            // In the broken mode every client stays on its own silo's gateway, where the stale reads are.
            using SynodClient client = Client(id, routeByDirectory: !options.UnsafeLocalReads && id % 2 == 1);
            var seen = new Dictionary<string, string?>(StringComparer.Ordinal);
            int sequence = 0;
            while (!_stopping)
            {
                string key = _keys[random.Next(_keys.Length)];
                int roll = random.Next(10);
                bool failed = false;
                long invoked = Now();
                if (roll < 5)
                {
                    try
                    {
                        string? value = await client.GetStringAsync(key, cancellationToken).ConfigureAwait(false);
                        Record(HistoryOperation.Read(id, key, value, invoked, Now()));
                        seen[key] = value;
                        Count(OperationKind.Read, 0);
                    }
                    catch (SynodException error)
                    {
                        // A failed read took no effect and returned nothing: it is left out of the history.
                        Failed(OperationKind.Read, 1, error);
                        failed = true;
                    }
                }
                else
                {
                    string value = string.Create(CultureInfo.InvariantCulture, $"c{id}-{++sequence}");
                    bool cas = roll >= 8;
                    string? expected = seen.GetValueOrDefault(key);
                    OperationKind kind = cas ? OperationKind.CompareAndSet : OperationKind.Write;
                    try
                    {
                        bool succeeded = true;
                        if (cas)
                        {
                            CompareAndSetResult result = await client.CompareAndSetStringAsync(key, expected, value, cancellationToken).ConfigureAwait(false);
                            succeeded = result.Succeeded;
                            seen[key] = result.CurrentString;
                        }
                        else
                        {
                            await client.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
                            seen[key] = value;
                        }

                        Record(cas
                            ? HistoryOperation.CompareAndSet(id, key, expected, value, succeeded, invoked, Now())
                            : HistoryOperation.Write(id, key, value, invoked, Now()));
                        Count(kind, 0);
                    }
                    catch (SynodException error) when (error.OutcomeUnknown)
                    {
                        // It may or may not have taken effect: it stays open until +infinity.
                        Record(cas
                            ? HistoryOperation.CompareAndSet(id, key, expected, value, succeeded: false, invoked, completed: null)
                            : HistoryOperation.Write(id, key, value, invoked, completed: null));
                        Failed(kind, 2, error);
                        failed = true;
                    }
                    catch (SynodException error)
                    {
                        // The cluster refused it: not applied, not part of the history.
                        Failed(kind, 1, error);
                        failed = true;
                    }
                }

                // Think time; longer after a failure, so a client does not spin while its silos are down.
                await Task.Delay(failed ? random.Next(100, 200) : random.Next(5, 25), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The availability scenario: after <see cref="ChaosOptions.Recovery"/> without faults, cuts the
        /// leader's silo and one follower's from each other (both directions) for
        /// <see cref="ChaosOptions.CutLength"/>, sampling every silo's own kv-0 replica meanwhile and
        /// for <see cref="ChaosOptions.Recovery"/> after healing.
        /// </summary>
        private async Task<List<InjectedFault>> AvailabilityAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(options.Recovery, cancellationToken).ConfigureAwait(false);
            (int leader, ulong term) = await SettledLeaderAsync(cancellationToken).ConfigureAwait(false);
            int[] followers = [.. cluster.Ids.Where(id => id != leader)];
            int cut = followers[new Random(options.Seed).Next(followers.Length)];
            double began = _clock.Elapsed.TotalSeconds;
            Say(string.Create(CultureInfo.InvariantCulture, $"silos {leader} (kv-0's leader, term {term}) and {cut} cut from each other for {options.CutLength.TotalSeconds:F0} s{(options.NoGatewayRelay ? "; the gateways do NOT relay" : "")}"));
            await cluster.DropFromAsync(leader, [cut], cancellationToken).ConfigureAwait(false);
            await cluster.DropFromAsync(cut, [leader], cancellationToken).ConfigureAwait(false);
            double cutAt = _clock.Elapsed.TotalSeconds;
            TimeSpan samplingEnds = _clock.Elapsed + options.CutLength + options.Recovery;
            Task[] samplers = [.. cluster.Ids.Select(silo => SampleLeadershipAsync(silo, leader, term, samplingEnds, cancellationToken))];
            await Task.Delay(options.CutLength, cancellationToken).ConfigureAwait(false);
            await HealLinksAsync(cancellationToken).ConfigureAwait(false);
            double healedAt = _clock.Elapsed.TotalSeconds;
            _cut = (leader, cut, term, cutAt, healedAt);
            Say("cut healed");
            await Task.WhenAll(samplers).ConfigureAwait(false);
            return [new InjectedFault(FaultKind.PartialPartition, $"link {leader}-{cut} (leader)", began, healedAt, 0, 0)];
        }

        /// <summary>kv-0's leader's silo and term once the same pair has been reported for a second.</summary>
        private async Task<(int Leader, ulong Term)> SettledLeaderAsync(CancellationToken cancellationToken)
        {
            (int Leader, ulong Term)? settled = null;
            var stable = Stopwatch.StartNew();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                (int, ulong)? now = null;
                foreach (int silo in cluster.Ids)
                {
                    if (await cluster.LocalKeyValueReplicaAsync(silo, cancellationToken).ConfigureAwait(false) is { Role: "Leader" } replica)
                    {
                        now = (silo, replica.Term);
                    }
                }

                if (now is { } current && current == settled && stable.Elapsed >= TimeSpan.FromSeconds(1))
                {
                    return current;
                }

                if (now is null || now != settled)
                {
                    settled = now;
                    stable.Restart();
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("kv-0 has no settled leader after 30 s");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Samples silo <paramref name="silo"/>'s own kv-0 replica; records any sign of an election: another leader, the leader not leading, another term.</summary>
        private async Task SampleLeadershipAsync(int silo, int leader, ulong term, TimeSpan until, CancellationToken cancellationToken)
        {
            while (_clock.Elapsed < until)
            {
                SynodReplicaStatus? replica = await cluster.LocalKeyValueReplicaAsync(silo, cancellationToken).ConfigureAwait(false);
                if (replica is not null && replica.Role != "Unreachable")
                {
                    Interlocked.Increment(ref _statusSamples);
                    bool leads = replica.Role == "Leader";
                    if (replica.Term != term || leads != (silo == leader))
                    {
                        string change = string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:F1}s silo {silo}: {replica.Role} at term {replica.Term} (before the cut: silo {leader} led at term {term})");
                        lock (_leadershipChanges)
                        {
                            _leadershipChanges.Add(change);
                        }
                    }
                }

                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Writes continuously through silo <paramref name="silo"/>'s gateway alone (no directory
        /// routing, no other gateway); every write is part of the history and timed for the windows.
        /// </summary>
        private async Task GatewayWriterAsync(int silo, CancellationToken cancellationToken)
        {
            var random = new Random(HashCode.Combine(options.Seed, silo, "gateway"));
            int id = options.Clients + 1 + silo;

            // The client's per-attempt timeout (default 5 s) is longer than the gateway's own attempt at
            // an unreachable leader's silo (2 s), so the gateway gets to find a relay before the client
            // gives up on the attempt (an aborted request cancels the gateway's call).
            using var client = new SynodClient(new SynodClientOptions
            {
                Gateways = { cluster.Gateway(silo) },
                RouteByDirectory = false,
                MaxAttempts = 2,
                RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            });
            int sequence = 0;
            while (!_stopping)
            {
                string key = _keys[random.Next(_keys.Length)];
                string value = string.Create(CultureInfo.InvariantCulture, $"g{silo}-{++sequence}");
                long invoked = Now();
                bool ok = false;
                try
                {
                    await client.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
                    Record(HistoryOperation.Write(id, key, value, invoked, Now()));
                    Count(OperationKind.Write, 0);
                    ok = true;
                }
                catch (SynodException error) when (error.OutcomeUnknown)
                {
                    Record(HistoryOperation.Write(id, key, value, invoked, completed: null));
                    Failed(OperationKind.Write, 2, error);
                }
                catch (SynodException error)
                {
                    Failed(OperationKind.Write, 1, error);
                }

                lock (_gatewayWrites)
                {
                    _gatewayWrites[silo].Add((_clock.Elapsed.TotalSeconds, ok));
                }

                await Task.Delay(random.Next(5, 25), cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<List<InjectedFault>> NemesisAsync(TimeSpan end, CancellationToken cancellationToken)
        {
            var random = new Random(options.Seed);
            var faults = new List<InjectedFault>();
            await Task.Delay(options.Recovery, cancellationToken).ConfigureAwait(false);
            while (_clock.Elapsed < end)
            {
                FaultKind[] round = [.. options.Faults];
                random.Shuffle(round);
                foreach (FaultKind kind in round)
                {
                    // The first round always completes, so every kind of fault is injected at least once.
                    if (_clock.Elapsed >= end && faults.Count >= round.Length)
                    {
                        break;
                    }

                    double began = _clock.Elapsed.TotalSeconds;
                    string target = await InjectAsync(kind, random, cancellationToken).ConfigureAwait(false);
                    double healed = _clock.Elapsed.TotalSeconds;
                    Say($"{kind} of {target} healed");
                    await WaitForWritesAsync(cancellationToken).ConfigureAwait(false);
                    double recovered = _clock.Elapsed.TotalSeconds;
                    faults.Add(new InjectedFault(kind, target, began, healed, recovered - healed, 0));
                    await Task.Delay(options.Recovery, cancellationToken).ConfigureAwait(false);
                }
            }

            return faults;
        }

        private async Task<string> InjectAsync(FaultKind kind, Random random, CancellationToken cancellationToken)
        {
            int any = random.Next(1, cluster.Count + 1);
            switch (kind)
            {
                case FaultKind.Kill:
                    Say($"SIGKILL silo {any}");
                    await cluster.KillAsync(any).ConfigureAwait(false);
                    await Task.Delay(options.FaultLength, cancellationToken).ConfigureAwait(false);
                    await cluster.StartAsync(any, cancellationToken).ConfigureAwait(false);
                    return $"silo {any}";
                case FaultKind.Pause:
                {
                    bool pbft = options.Protocol == ChaosProtocol.Pbft;
                    int leader = await (pbft ? cluster.PrimaryOfPbftGroupAsync(cancellationToken) : cluster.LeaderOfKeyValueGroupAsync(cancellationToken)).ConfigureAwait(false) ?? any;
                    Say(pbft ? $"SIGSTOP silo {leader} (pbft-0's primary)" : $"SIGSTOP silo {leader} (kv-0's leader)");
                    cluster.Pause(leader);
                    await Task.Delay(options.FaultLength, cancellationToken).ConfigureAwait(false);
                    cluster.Resume(leader);
                    if (pbft)
                    {
                        // A new primary shows the backups moved to a new view during the pause.
                        int? primary = await cluster.PrimaryOfPbftGroupAsync(cancellationToken).ConfigureAwait(false);
                        return $"silo {leader} (primary; now {(primary is { } p ? $"silo {p}" : "none known")})";
                    }

                    return $"silo {leader} (leader)";
                }

                case FaultKind.RestartAll:
                    Say("SIGKILL every silo");
                    foreach (int id in cluster.Ids)
                    {
                        await cluster.KillAsync(id).ConfigureAwait(false);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                    await cluster.StartAllAsync(cancellationToken).ConfigureAwait(false);
                    return "every silo";
                case FaultKind.Partition:
                {
                    int[] others = [.. cluster.Ids.Where(id => id != any)];
                    Say($"partition silo {any} from {string.Join(',', others)}");
                    await cluster.DropFromAsync(any, others, cancellationToken).ConfigureAwait(false);
                    foreach (int other in others)
                    {
                        await cluster.DropFromAsync(other, [any], cancellationToken).ConfigureAwait(false);
                    }

                    await Task.Delay(options.FaultLength, cancellationToken).ConfigureAwait(false);
                    await HealLinksAsync(cancellationToken).ConfigureAwait(false);
                    return $"silo {any}";
                }

                case FaultKind.PartialPartition:
                {
                    int leader = await cluster.LeaderOfKeyValueGroupAsync(cancellationToken).ConfigureAwait(false) ?? any;
                    int[] followers = [.. cluster.Ids.Where(id => id != leader)];
                    (int a, int b) = random.Next(2) == 0 ? (leader, followers[random.Next(followers.Length)]) : (followers[0], followers[1]);
                    Say($"silos {a} and {b} cut from each other only (the leader's is {leader})");
                    await cluster.DropFromAsync(a, [b], cancellationToken).ConfigureAwait(false);
                    await cluster.DropFromAsync(b, [a], cancellationToken).ConfigureAwait(false);
                    await Task.Delay(options.FaultLength, cancellationToken).ConfigureAwait(false);
                    await HealLinksAsync(cancellationToken).ConfigureAwait(false);
                    return $"link {a}-{b}" + (a == leader || b == leader ? " (leader)" : "");
                }

                default:
                {
                    int leader = await cluster.LeaderOfKeyValueGroupAsync(cancellationToken).ConfigureAwait(false) ?? any;
                    int[] others = [.. cluster.Ids.Where(id => id != leader)];
                    int follower = others[random.Next(others.Length)];
                    string target;
                    switch (random.Next(3))
                    {
                        case 0:
                            Say($"silo {leader} (leader) stops hearing {string.Join(',', others)}");
                            await cluster.DropFromAsync(leader, others, cancellationToken).ConfigureAwait(false);
                            target = $"silo {leader} (leader) deaf";
                            break;
                        case 1:
                            Say($"silos {string.Join(',', others)} stop hearing silo {leader} (leader)");
                            foreach (int other in others)
                            {
                                await cluster.DropFromAsync(other, [leader], cancellationToken).ConfigureAwait(false);
                            }

                            target = $"silo {leader} (leader) mute";
                            break;
                        default:
                            Say($"silo {follower} stops hearing silo {leader} (leader)");
                            await cluster.DropFromAsync(follower, [leader], cancellationToken).ConfigureAwait(false);
                            target = $"silo {follower} deaf to {leader}";
                            break;
                    }

                    await Task.Delay(options.FaultLength, cancellationToken).ConfigureAwait(false);
                    await HealLinksAsync(cancellationToken).ConfigureAwait(false);
                    return target;
                }
            }
        }

        private async Task HealLinksAsync(CancellationToken cancellationToken)
        {
            foreach (int id in cluster.Ids)
            {
                await cluster.DropFromAsync(id, [], cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Waits until a write to a key outside the history succeeds (the cluster has a leader and a quorum).</summary>
        private async Task WaitForWritesAsync(CancellationToken cancellationToken)
        {
            using SynodClient client = Client(0, routeByDirectory: true);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await client.PutAsync(_prefix + "chaos-probe", "1", cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SynodException error) when (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Say($"waiting for the cluster to take writes: {error.Message}");
                    await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Reads every key once the cluster is healed; the reads are part of the history.</summary>
        private async Task<Dictionary<string, string?>> FinalReadsAsync(CancellationToken cancellationToken)
        {
            using SynodClient client = Client(options.Clients, routeByDirectory: true);
            var finals = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (string key in _keys)
            {
                for (int attempt = 1; ; attempt++)
                {
                    long invoked = Now();
                    try
                    {
                        string? value = await client.GetStringAsync(key, cancellationToken).ConfigureAwait(false);
                        Record(HistoryOperation.Read(options.Clients, key, value, invoked, Now()));
                        finals[key] = value;
                        break;
                    }
                    catch (SynodException error) when (attempt < 10)
                    {
                        Say($"final read of {key} failed ({error.Message}); again");
                        await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            return finals;
        }
    }
}
