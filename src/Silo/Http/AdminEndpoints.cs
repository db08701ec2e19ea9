using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Mvc;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Gateway;
using Synod.Silo.Hosting;

namespace Synod.Silo.Http;

/// <summary>
/// The cluster administration API: groups (list, create, move a replica) and silos (list, drain,
/// join). Changes go to the meta group; each answers once the meta group committed it.
/// </summary>
internal static class AdminEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;
    private const string Json = "application/json; charset=utf-8";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/groups", ([FromServices] ClusterAdmin admin) => Results.Bytes(DirectoryViews.Groups(admin), Json));
        api.MapPost("/groups", CreateAsync);
        api.MapPost("/groups/{group}/move", MoveAsync);
        api.MapGet("/silos", ([FromServices] ClusterAdmin admin) => Results.Bytes(DirectoryViews.Silos(admin), Json));
        api.MapPost("/silos", JoinAsync);
        api.MapPost("/silos/{silo:int}/drain", (int silo, HttpContext context, [FromServices] ClusterAdmin admin) => DrainAsync(silo, true, context, admin));
        api.MapDelete("/silos/{silo:int}/drain", (int silo, HttpContext context, [FromServices] ClusterAdmin admin) => DrainAsync(silo, false, context, admin));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] ClusterAdmin admin)
    {
        byte[]? body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        GroupCreateRequest? request = body is null ? null : Parse(body, HttpApiJsonContext.Default.GroupCreateRequest);
        if (request is null)
        {
            return ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, "the body must be JSON {\"protocol\",\"replicas\",\"count\",\"machine\",\"prefix\",\"requestId\"} of at most 64 KiB");
        }

        var command = new CreateGroups
        {
            Protocol = request.Protocol,
            Replicas = request.Replicas ?? (request.Protocol == "pbft" ? 4u : 3u),
            Count = request.Count,
            Machine = request.Machine,
            Prefix = request.Prefix ?? "",
            RequestId = request.RequestId ?? "",
        };
        DirectoryResult? result = await admin.ChangeAsync(new DirectoryCommand { CreateGroups = command }, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, () => Results.Json(new GroupCreateResponse([.. result!.Created], result.Directory.Version), HttpApiJsonContext.Default.GroupCreateResponse, Json));
    }

    private static async Task<IResult> MoveAsync(string group, HttpContext context, [FromServices] ClusterAdmin admin)
    {
        byte[]? body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        GroupMoveRequest? request = body is null ? null : Parse(body, HttpApiJsonContext.Default.GroupMoveRequest);
        if (request is null)
        {
            return ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, "the body must be JSON {\"from\": SILO, \"to\": SILO}");
        }

        if (!admin.Layout.HasGroup(group) || group == ClusterLayout.MetaGroup)
        {
            return ApiErrors.NotFound(ApiErrorCodes.NotFound, $"no group {group} (the meta group does not move)");
        }

        if (admin.Layout.Group(group).Replicas.FirstOrDefault(r => r.Silo == request.From) is not { } replica)
        {
            return ApiErrors.BadRequest(ApiErrorCodes.MoveInvalid, $"silo {request.From} hosts no replica of {group}");
        }

        var command = new BeginMove { Group = group, FromReplica = replica.Replica, ToSilo = request.To };
        DirectoryResult? result = await admin.ChangeAsync(new DirectoryCommand { BeginMove = command }, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, () =>
        {
            PendingMove move = result!.Directory.Moves.First(m => m.Group == group);
            int to = result.Directory.Groups.First(g => g.Group == group).Replicas.First(r => r.Replica == move.ToReplica).Silo;
            return Results.Json(new GroupMoveResponse(group, move.FromReplica, move.ToReplica, to), HttpApiJsonContext.Default.GroupMoveResponse, Json, statusCode: StatusCodes.Status202Accepted);
        });
    }

    private static async Task<IResult> DrainAsync(int silo, bool draining, HttpContext context, ClusterAdmin admin)
    {
        var command = new SetSiloDraining { Silo = silo, Draining = draining };
        DirectoryResult? result = await admin.ChangeAsync(new DirectoryCommand { SetSiloDraining = command }, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, () => Results.Bytes(DirectoryViews.Silos(admin), Json));
    }

    private static async Task<IResult> JoinAsync(HttpContext context, [FromServices] ClusterAdmin admin)
    {
        byte[]? body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null || !admin.Verify(body, context.Request.Headers[ClusterProof.Header].FirstOrDefault()))
        {
            return new ApiErrorResult(StatusCodes.Status403Forbidden, ApiErrorCodes.ProofInvalid, $"joining needs the {ClusterProof.Header} header: HMAC-SHA256 of the body under the cluster key");
        }

        SiloRecord silo;
        try
        {
            silo = SiloRecord.Parser.ParseJson(System.Text.Encoding.UTF8.GetString(body));
        }
        catch (InvalidProtocolBufferException error)
        {
            // The body is proven but not a silo record (a version mismatch, say): refused.
            return ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body is not a silo record: {error.Message}");
        }
        catch (InvalidJsonException error)
        {
            // Not JSON at all: refused.
            return ApiErrors.BadRequest(ApiErrorCodes.BodyInvalid, $"the body is not JSON: {error.Message}");
        }

        DirectoryResult? result = await admin.ChangeAsync(new DirectoryCommand { AddSilo = new AddSilo { Silo = silo } }, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, () => Results.Bytes(DirectoryViews.Silos(admin), Json));
    }

    private static IResult Answer(DirectoryResult? result, Func<IResult> success) => result switch
    {
        null => ApiErrors.Unavailable(ApiErrorCodes.Unavailable, "the meta group did not answer in time (no leader or no quorum)"),
        { Directory: null } => ApiErrors.Unavailable(ApiErrorCodes.Unavailable, "the cluster directory is not bootstrapped yet"),
        { Rejected.Length: > 0 } => ApiErrors.BadRequest(ApiErrorCodes.DirectoryRefused, result.Rejected),
        _ => success(),
    };

    private static T? Parse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            // Malformed or with unknown fields: the caller answers 400.
            return null;
        }
    }
}
