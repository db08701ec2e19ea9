using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Synod.Silo.Http;

namespace Synod.Silo.Dashboard;

/// <summary>
/// The dashboard's HTTP surface on every silo: the page and its assets under <c>/dashboard/</c>,
/// the live event stream, the paged groups table, a group's page, this silo's report for peers,
/// the cost counters and, in the dev cluster, the fault panel.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly byte[] EventHeader = Encoding.UTF8.GetBytes("event: overview\ndata: ");
    private static readonly byte[] EventEnd = Encoding.UTF8.GetBytes("\n\n");

    public static void Map(IEndpointRouteBuilder app, DashboardHub hub, ILogger logger)
    {
        // "/dashboard" and "/dashboard/" are one route; the page refers to its assets by absolute paths.
        app.MapGet("/dashboard", () => Asset("index.html"));
        app.MapGet("/dashboard/assets/{name}", (string name) => Asset(name));
        app.MapGet("/dashboard/events", (HttpContext context) => StreamAsync(context, hub));
        app.MapGet("/dashboard/local", (long? events, long? latency, long? version) =>
            Results.Json(hub.Report(events ?? 0, latency ?? 0, version ?? 0), DashboardJsonContext.Default.LocalReport));
        app.MapGet("/dashboard/api/stats", () => Results.Json(hub.Stats(), DashboardJsonContext.Default.DashboardStats));
        app.MapGet("/dashboard/api/overview", async (CancellationToken cancellationToken) =>
            Results.Bytes((await hub.CurrentAsync(cancellationToken).ConfigureAwait(false)).OverviewJson, "application/json"));
        app.MapGet("/dashboard/api/groups", async (string? filter, string? sort, bool? desc, int? offset, int? limit, CancellationToken cancellationToken) =>
        {
            ClusterSnapshot snapshot = await hub.CurrentAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(GroupOrder.Page(snapshot.Groups, filter, sort, desc ?? false, offset ?? 0, limit ?? 50), DashboardJsonContext.Default.GroupsPage);
        });
        app.MapGet("/dashboard/api/groups/{group}", async (string group, CancellationToken cancellationToken) =>
        {
            ClusterSnapshot snapshot = await hub.CurrentAsync(cancellationToken).ConfigureAwait(false);
            GroupView? view = snapshot.Groups.FirstOrDefault(g => g.Group == group);
            if (view is null)
            {
                return ApiErrors.NotFound("not_found", $"no group {group}");
            }

            var page = new GroupPage(
                view,
                [.. snapshot.Events.Where(e => e.Group == group).Reverse().Take(100)],
                snapshot.CommitHistory(group));
            return Results.Json(page, DashboardJsonContext.Default.GroupPage);
        });
        app.MapPost("/dashboard/api/faults", (Delegate)((HttpContext context) => FaultAsync(context, hub, logger)));
    }

    private static IResult Asset(string name) =>
        DashboardAssets.Find(name) is { } file
            ? Results.Bytes(file.Bytes, file.ContentType)
            : Results.NotFound();

    // Server-sent events: one "overview" event per collection, serialized once for all clients.
    private static async Task StreamAsync(HttpContext context, DashboardHub hub)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        CancellationToken aborted = context.RequestAborted;
        using IDisposable client = hub.Connect();
        ClusterSnapshot? sent = null;
        try
        {
            await context.Response.WriteAsync("retry: 2000\n\n", aborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
            while (!aborted.IsCancellationRequested)
            {
                ClusterSnapshot snapshot = await hub.NextAsync(sent, aborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync(EventHeader, aborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync(snapshot.OverviewJson, aborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync(EventEnd, aborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                sent = snapshot;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the handle above lets the loop stop when it was the last.
        }
    }

    private static async Task<IResult> FaultAsync(HttpContext context, DashboardHub hub, ILogger logger)
    {
        if (hub.DevCluster is not { } dev)
        {
            return ApiErrors.NotFound("not_dev_cluster", "the fault panel exists in the dev cluster only");
        }

        FaultRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, DashboardJsonContext.Default.FaultRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            return ApiErrors.BadRequest("body_invalid", error.Message);
        }

        if (request is null)
        {
            return ApiErrors.BadRequest("body_invalid", "the body must be a JSON fault request");
        }

        string? refused = await dev.ApplyAsync(request, context.RequestAborted).ConfigureAwait(false);
        DashboardLog.Fault(logger, hub.Silo, request.Action, request.Silo, refused ?? "done");
        return refused is null
            ? Results.Json(new FaultOutcome(request.Action, request.Silo, dev.Describe()), DashboardJsonContext.Default.FaultOutcome)
            : ApiErrors.BadRequest("fault_refused", refused);
    }
}
