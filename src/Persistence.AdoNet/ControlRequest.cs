using System.Data.Common;

namespace Synod.Persistence.AdoNet;

/// <summary>
/// A request that is not a write (open, delete, list): run alone between group commits, in queue
/// order, so a replica's open sees every write queued before it.
/// </summary>
internal sealed class ControlRequest<T>(Func<DbConnection, CancellationToken, Task<T>> action) : StoreRequest, IControlRequest
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Completion => _completion.Task;

    public async Task RunAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        T result = await action(connection, cancellationToken).ConfigureAwait(false);
        _completion.TrySetResult(result);
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
