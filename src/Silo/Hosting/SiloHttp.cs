using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Synod.Silo.Http;

namespace Synod.Silo.Hosting;

/// <summary>Maps the silo's HTTP API onto its web application.</summary>
internal static class SiloHttp
{
    public static void Map(WebApplication app, Func<string> directory)
    {
        // Before the API group, whose catch-all answers unknown paths under /v1.
        app.MapGet("/v1/directory", () => Results.Text(directory(), "application/json"));
        app.MapSynodHttpApi();
    }
}
