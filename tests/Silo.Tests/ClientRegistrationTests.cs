using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Synod.Client;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class ClientRegistrationTests
{
    [Fact]
    public async Task AddSynodClient_binds_configuration_and_replaces_the_default_gateways()
    {
        // Proves binding from IConfiguration yields exactly the configured gateways (not appended to the dev defaults) and a working client.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Synod:Client:Gateways:0"] = server.BaseAddress.ToString(),
            ["Synod:Client:RequestTimeout"] = "00:00:03",
            ["Synod:Client:MaxAttempts"] = "2",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSynodClient(configuration.GetSection("Synod:Client"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SynodClient>();
        Assert.Same(client, provider.GetRequiredService<SynodClient>());
        Assert.Equal([server.BaseAddress], client.Gateways);
        Assert.Equal(TimeSpan.FromSeconds(3), provider.GetRequiredService<IOptions<SynodClientOptions>>().Value.RequestTimeout);
        await client.PutAsync("k", "v");
        Assert.Equal("v", await client.GetStringAsync("k"));
    }

    [Fact]
    public void AddSynodClient_validates_the_options()
    {
        // Proves invalid options are refused with OptionsValidationException when the client is resolved.
        var services = new ServiceCollection();
        services.AddSynodClient(options => options.RetryMaxDelay = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<SynodClient>);
        Assert.Contains("RetryMaxDelay", error.Message, StringComparison.Ordinal);
    }
}
