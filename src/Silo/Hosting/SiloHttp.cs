using Microsoft.AspNetCore.Builder;
using Synod.Silo.Http;

namespace Synod.Silo.Hosting;

/// <summary>Maps the silo's HTTP API onto its web application.</summary>
internal static class SiloHttp
{
    public static void Map(WebApplication app) => app.MapSynodHttpApi();
}
