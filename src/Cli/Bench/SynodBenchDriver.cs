using Synod.Client;

namespace Synod.Cli.Bench;

/// <summary>Load through the .NET client, <see cref="SynodClient"/>: its put, and its get (linearizable, by ReadIndex).</summary>
internal sealed class SynodBenchDriver(SynodClient client, string[] keys, byte[] value) : IBenchDriver
{
    public Task WriteAsync(int worker, int key, CancellationToken cancellationToken) => client.PutAsync(keys[key], value, cancellationToken);

    public Task ReadAsync(int worker, int key, CancellationToken cancellationToken) => client.GetAsync(keys[key], cancellationToken);

    public bool IsFailure(Exception error) => error is SynodException;

    public void Dispose() => client.Dispose();
}
