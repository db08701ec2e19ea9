using Microsoft.AspNetCore.Mvc;
using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary><c>GET /v1/status</c>: the cluster as this silo sees it.</summary>
internal static class StatusEndpoint
{
    public static async Task<IResult> GetAsync(HttpContext context, [FromServices] IKeyValueGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gateway);
        var status = await gateway.StatusAsync(context.RequestAborted).ConfigureAwait(false);
        return Results.Json(status, HttpApiJsonContext.Default.ClusterStatus, "application/json; charset=utf-8");
    }
}
