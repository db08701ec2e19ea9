namespace Synod.Cli.Bench;

/// <summary>One run of <c>synod bench</c>, as the command line gave it (validated by the command).</summary>
internal sealed record BenchSettings
{
    public string Target { get; init; } = "synod";

    public IReadOnlyList<Uri> Endpoints { get; init; } = [];

    public int Concurrency { get; init; } = 16;

    /// <summary>Operations per second in open loop, or null for a closed loop.</summary>
    public double? Rate { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int ValueSizeBytes { get; init; } = 128;

    public int KeySizeBytes { get; init; } = 16;

    public int Keys { get; init; } = 1000;

    public double ReadRatio { get; init; }

    /// <summary>Synod: how many Raft groups the keys cover (0: wherever the key names fall).</summary>
    public int Groups { get; init; }

    public string Protocol { get; init; } = "raft";

    public bool Json { get; init; }
}
