namespace Synod.Persistence.AdoNet;

/// <summary>A replica's count of submitted batches, incremented with <see cref="Interlocked"/>.</summary>
internal sealed class SubmissionCounter
{
    public long Value;
}
