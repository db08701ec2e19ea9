namespace Synod.Chaos;

/// <summary>The faults the nemesis injects.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL one silo, then start it again.</summary>
    Kill,

    /// <summary>SIGSTOP the silo leading the key-value group for longer than an election timeout, then SIGCONT.</summary>
    Pause,

    /// <summary>SIGKILL every silo, then start them all again.</summary>
    RestartAll,

    /// <summary>Cut one silo from the others in both directions (transport fault injection), then heal.</summary>
    Partition,

    /// <summary>One direction only, then heal: the leader's silo stops hearing the others, or they stop hearing it, or one follower's silo stops hearing the leader's.</summary>
    OneWayPartition,

    /// <summary>The leader's silo and one follower's cut from each other only, or the two followers' silos from each other only, then heal.</summary>
    PartialPartition,
}

/// <summary>The group a chaos run's clients use.</summary>
public enum ChaosProtocol
{
    /// <summary>The Raft key-value group kv-0, on three silos.</summary>
    Raft,

    /// <summary>
    /// The PBFT group pbft-0 (n = 4, f = 1), on four silos; keys <c>pbft-0/…</c>, spoken in PBFT by
    /// the client (f+1 matching replies). Faults: Kill, Pause (of the primary's silo), RestartAll,
    /// Partition; with a Byzantine replica only RestartAll, so at most f replicas are faulty at once.
    /// The cluster is always fully restarted before the final reads.
    /// </summary>
    Pbft,
}

/// <summary>What a chaos run does to the cluster.</summary>
public enum ChaosScenario
{
    /// <summary>The nemesis cycles through <see cref="ChaosOptions.Faults"/> for <see cref="ChaosOptions.Duration"/>.</summary>
    Nemesis,

    /// <summary>
    /// One sustained partial partition (issue 8's availability measurement): the leader's silo and
    /// one follower's cannot reach each other for <see cref="ChaosOptions.CutLength"/>, while a writer
    /// attached to each silo's gateway alone writes continuously; the report gives, per gateway, the
    /// share of one-second windows with a successful write, and whether the leader and term stayed.
    /// </summary>
    PartialPartitionAvailability,
}

/// <summary>A chaos run's settings.</summary>
public sealed record ChaosOptions
{
    /// <summary>How long clients run while the nemesis injects faults. Default 60 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Seeds the workload's and the nemesis' choices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Silo processes: 3 for Raft (each group has three replicas; the partition faults assume three), 4 for PBFT (n = 3f + 1 with f = 1).</summary>
    public int Silos { get; init; } = 3;

    /// <summary>Concurrent clients, spread over the silos' gateways. Default 6.</summary>
    public int Clients { get; init; } = 6;

    /// <summary>Keys the clients share. Default 5.</summary>
    public int Keys { get; init; } = 5;

    /// <summary>First of the ten loopback ports the silos use; 0 picks free ports.</summary>
    public int BasePort { get; init; }

    /// <summary>Where the silos keep their files; a fresh temporary directory when null (deleted afterwards).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The silo assembly to start; default <c>Synod.Silo.dll</c> next to the running program.</summary>
    public string? SiloAssembly { get; init; }

    /// <summary>The faults to cycle through (each round in a seeded order). Default all.</summary>
    public IReadOnlyList<FaultKind> Faults { get; init; } = Enum.GetValues<FaultKind>();

    /// <summary>How long a pause or partition lasts, and how long a killed silo stays down. Default 2.5 s (the election timeout is 150–300 ms).</summary>
    public TimeSpan FaultLength { get; init; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Time without faults after each one. Default 3 s.</summary>
    public TimeSpan Recovery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Start the silos in the deliberately broken mode Synod:Testing:UnsafeLocalReads.</summary>
    public bool UnsafeLocalReads { get; init; }

    /// <summary>What the run does; default <see cref="ChaosScenario.Nemesis"/>.</summary>
    public ChaosScenario Scenario { get; init; } = ChaosScenario.Nemesis;

    /// <summary>How long the availability scenario's cut lasts (it has <see cref="Recovery"/> without faults before and after; <see cref="Duration"/> is not used). Default 12 s.</summary>
    public TimeSpan CutLength { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Start the silos with Synod:Testing:NoGatewayRelay (shows the availability measurement can fail).</summary>
    public bool NoGatewayRelay { get; init; }

    /// <summary>The group the clients use; default Raft.</summary>
    public ChaosProtocol Protocol { get; init; } = ChaosProtocol.Raft;

    /// <summary>The Byzantine mode of silo <see cref="ByzantineSilo"/>'s PBFT replica (<c>silent</c>, <c>corrupt-replies</c>, <c>equivocate</c>); empty for none.</summary>
    public string Byzantine { get; init; } = "";

    /// <summary>The silo whose PBFT replica is Byzantine; default 1 (replica 0, the primary of view 0).</summary>
    public int ByzantineSilo { get; init; } = 1;

    /// <summary>For PBFT: how long after the final reads every replica of pbft-0 may take to answer its status as primary or backup in the group's view, executed within a watermark window of the furthest. Default 20 s.</summary>
    public TimeSpan PbftSettleTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Per-attempt timeout of the clients. Default 1.5 s.</summary>
    public TimeSpan ClientRequestTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The checker's budget per key.</summary>
    public CheckerBudget Budget { get; init; } = new();
}
