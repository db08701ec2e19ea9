namespace Synod.Cli.Bench;

/// <summary>
/// One system under load: writes and linearizable reads of key number <c>key</c> of the run's key
/// set, on behalf of worker <c>worker</c> (a driver may pick an endpoint by it). An operation that fails throws; <see cref="IsFailure"/> says which exceptions count as a
/// failed operation (an error in the figures) rather than a fault of the benchmark itself.
/// </summary>
internal interface IBenchDriver : IDisposable
{
    /// <summary>Sets key number <paramref name="key"/> to the run's value.</summary>
    Task WriteAsync(int worker, int key, CancellationToken cancellationToken);

    /// <summary>Reads key number <paramref name="key"/>, linearizably.</summary>
    Task ReadAsync(int worker, int key, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="error"/> is a failed operation (refused, unreachable, timed out).</summary>
    bool IsFailure(Exception error);
}
