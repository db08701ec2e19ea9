using System.ComponentModel.DataAnnotations;

namespace Synod.Runtime.Grains;

/// <summary>Settings of the grain runtime in one silo (configuration section <c>Synod:Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    /// <summary>Period of the silo's single timer, which queues a tick turn for every tickable activation. Default 10 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Turns that may wait in one activation's mailbox. Requests wait for room; stream items are
    /// dropped (and counted) when it is full, since a consensus protocol retransmits. Default 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MailboxCapacity { get; set; } = 10_000;

    /// <summary>How long a call to a grain on another silo may wait for its answer. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stream items that may wait in the outbox to one other silo before they are dropped (and
    /// counted); the outbox flushes as soon as a thread is free, so it stays near empty. Default 100,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int OutboxCapacity { get; set; } = 100_000;

    /// <summary>Largest batch of stream items sent to another silo as one transport message. Default 1 MiB.</summary>
    [Range(1024, 8 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 1024 * 1024;
}
