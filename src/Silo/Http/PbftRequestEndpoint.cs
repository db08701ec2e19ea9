using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Synod.Grains.Interfaces;
using Synod.Grains.Interfaces.Wire;
using Synod.Runtime.Grains;

namespace Synod.Silo.Http;

/// <summary>
/// <c>POST /v1/pbft/{group}/request</c>: hands a client's PBFT request (a binary <c>PbftClientRequest</c>,
/// content type application/x-protobuf) to this silo's replica of the group and answers with that
/// replica's own MAC'd <c>PbftReply</c>. The silo vouches for nothing: the client checks the MAC and
/// waits for f+1 matching replies from distinct replicas, so a Byzantine silo cannot lie alone.
/// 404 when this silo hosts no replica of the group, 413 for a body over the limit, 400 for bytes
/// that are not a request, 504 when the request did not execute within the wait.
/// </summary>
internal sealed class PbftRequestEndpoint(Func<string, GrainId?> localReplica, SiloRuntime runtime)
{
    /// <summary>Largest request body: an operation up to 1 MiB with its authenticators.</summary>
    public const int MaxBodyBytes = (1024 * 1024) + 4096;

    /// <summary>How long the endpoint waits for the replica to execute the request.</summary>
    public static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(5);

    public const string ContentType = "application/x-protobuf";

    public async Task<IResult> PostAsync(HttpContext context, string group)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (localReplica(group) is not { } grain)
        {
            return Results.NotFound();
        }

        byte[]? body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            BoundedBody.CloseAfterResponse(context);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        PbftClientRequest request;
        try
        {
            request = PbftClientRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            // A client's bytes that are not a request: refused, nothing reaches the replica.
            return Results.BadRequest();
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        wait.CancelAfter(ReplyWait);
        try
        {
            PbftReply reply = await runtime.GetGrain(grain)
                .InvokeAsync<PbftClientCall, PbftReply>(new PbftClientCall { Group = group, Request = request }, wait.Token).ConfigureAwait(false);
            return Results.Bytes(reply.ToByteArray(), ContentType);
        }
        catch (Exception error) when (error is OperationCanceledException or GrainCallException or GrainUnavailableException && !context.RequestAborted.IsCancellationRequested)
        {
            // Not executed in time, or the replica is not available: the client asks other replicas.
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }
    }
}
