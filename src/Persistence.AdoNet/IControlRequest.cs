using System.Data.Common;

namespace Synod.Persistence.AdoNet;

/// <summary>A non-write request the writer loop runs on its connection.</summary>
internal interface IControlRequest
{
    Task RunAsync(DbConnection connection, CancellationToken cancellationToken);

    void Fail(Exception error);
}
