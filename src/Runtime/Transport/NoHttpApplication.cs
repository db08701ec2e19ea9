using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Synod.Runtime.Transport;

/// <summary>
/// Kestrel starts with an HTTP application even when every endpoint has a connection handler in
/// place of the HTTP pipeline, as the transport endpoint does; this one is never called.
/// </summary>
internal sealed class NoHttpApplication : IHttpApplication<object>
{
    public object CreateContext(IFeatureCollection contextFeatures) =>
        throw new InvalidOperationException("The silo transport endpoint serves no HTTP.");

    public Task ProcessRequestAsync(object context) =>
        throw new InvalidOperationException("The silo transport endpoint serves no HTTP.");

    public void DisposeContext(object context, Exception? exception)
    {
    }
}
