using Synod.Silo.Gateway;

namespace Synod.Silo.Http;

/// <summary>Maps Synod's HTTP API (documented in the README, "HTTP API").</summary>
public static class HttpApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/v1/kv/{key}</c> (GET, PUT, DELETE), <c>/v1/kv/{key}/cas</c> (POST) and
    /// <c>/v1/status</c> (GET) over the <see cref="IKeyValueGateway"/> registered in the services, and
    /// <c>/v1/locks/{name}</c> (GET) with <c>/acquire</c>, <c>/renew</c>, <c>/release</c> (POST) when an
    /// <see cref="ILockGateway"/> is registered.
    /// Every answer outside a success is JSON <c>{"error", "code"}</c>; an unexpected exception is a
    /// 500 without details, logged.
    /// </summary>
    /// <returns>The <c>/v1</c> group, for the host to add authorization or rate limits to.</returns>
    public static RouteGroupBuilder MapSynodHttpApi(this IEndpointRouteBuilder endpoints, HttpApiLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        limits ??= new HttpApiLimits();
        limits.Validate();
        var keyValue = new KeyValueEndpoints(limits);
        var compareAndSet = new CompareAndSetEndpoint(limits);

        var api = endpoints.MapGroup("/v1");
        // One filter for the API: the generic overload would build one (and its instruments) per request.
        api.AddEndpointFilter(ActivatorUtilities.CreateInstance<HttpApiExceptionFilter>(endpoints.ServiceProvider));
        api.MapGet("/kv/{key}", keyValue.GetAsync);
        api.MapPut("/kv/{key}", keyValue.PutAsync);
        api.MapDelete("/kv/{key}", keyValue.DeleteAsync);
        api.MapPost("/kv/{key}/cas", compareAndSet.PostAsync);
        api.MapGet("/status", StatusEndpoint.GetAsync);
        if (endpoints.ServiceProvider.GetService(typeof(ILockGateway)) is not null)
        {
            LockEndpoints.Map(api);
        }

        if (endpoints.ServiceProvider.GetService(typeof(ClusterAdmin)) is not null)
        {
            AdminEndpoints.Map(api);
        }

        // Lowest precedence: only what nothing above matched, including a known path with the wrong method.
        api.Map("/{**path}", FallbackEndpoint.Handle);
        return api;
    }
}
