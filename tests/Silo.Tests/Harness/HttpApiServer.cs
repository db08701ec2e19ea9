using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synod.Silo.Gateway;
using Synod.Silo.Http;

namespace Synod.Silo.Tests.Harness;

/// <summary>A real Kestrel server on 127.0.0.1 (port chosen by the OS) serving the HTTP API over a gateway.</summary>
internal sealed class HttpApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private HttpApiServer(WebApplication app, Uri baseAddress, RecordingLoggerProvider logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>127.0.0.1:PORT, as <c>--gateway</c> takes it.</summary>
    public string HostPort => BaseAddress.Authority;

    public HttpClient Http { get; }

    /// <summary>The server's services (its meter factory, for one).</summary>
    public IServiceProvider Services => _app.Services;

    public RecordingLoggerProvider Logs { get; }

    public static Task<HttpApiServer> StartAsync(IKeyValueGateway gateway, HttpApiLimits? limits = null) =>
        StartAsync(services => services.AddSingleton(gateway), app => app.MapSynodHttpApi(limits));

    /// <summary>A server with the key-value and the lock gateways.</summary>
    public static Task<HttpApiServer> StartAsync(IKeyValueGateway gateway, ILockGateway locks) =>
        StartAsync(services => services.AddSingleton(gateway).AddSingleton(locks), app => app.MapSynodHttpApi());

    /// <summary>A server with endpoints of the test's own, to answer what the real API cannot produce.</summary>
    public static Task<HttpApiServer> StartStubAsync(Action<WebApplication> map) => StartAsync(_ => { }, map);

    private static async Task<HttpApiServer> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var logs = new RecordingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new HttpApiServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"), logs);
    }

    /// <summary>Stops listening, so the address refuses connections from here on.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
