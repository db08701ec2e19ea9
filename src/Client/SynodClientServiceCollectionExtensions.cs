using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synod.Client;

/// <summary>Registers <see cref="SynodClient"/> in Microsoft.Extensions.DependencyInjection.</summary>
public static class SynodClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client gets from <c>IHttpClientFactory</c>, for adding handlers to it.</summary>
    public const string HttpClientName = "Synod.Client";

    /// <summary>
    /// Registers one shared <see cref="SynodClient"/> configured by <paramref name="configure"/>
    /// (validated when the host starts, or when the client is first resolved).
    /// </summary>
    public static IServiceCollection AddSynodClient(this IServiceCollection services, Action<SynodClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SynodClientOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>
    /// Registers one shared <see cref="SynodClient"/> bound from <paramref name="section"/> (usually
    /// <c>Synod:Client</c>): <c>Gateways</c> as a list of URIs, <c>RequestTimeout</c> as a time span,
    /// <c>MaxAttempts</c>, and so on (see <see cref="SynodClientOptions"/>).
    /// </summary>
    public static IServiceCollection AddSynodClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<SynodClientOptions>().Bind(section).ValidateOnStart();
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SynodClientOptions>, SynodClientOptionsValidator>());

        // One long-lived client: its handler renews pooled connections itself (PooledConnectionLifetime),
        // so the factory need not rotate handlers, and the per-attempt timeout is the client's own.
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.MaxResponseContentBufferSize = SynodClient.MaxResponseBytes;
            });
        services.TryAddSingleton(provider => new SynodClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<IOptions<SynodClientOptions>>().Value,
            provider.GetService<ILogger<SynodClient>>()));
        return services;
    }
}
