using Synod.Runtime.Transport;

namespace Synod.Runtime.Tests.Transport;

public sealed class TransportOptionsTests
{
    // The generated validator checks single fields and the cross-field rules, and the transport refuses invalid options.
    [Fact]
    public void Invalid_options_are_refused()
    {
        var validator = new TransportOptionsValidator();
        var good = new TransportOptions { ClusterKey = "sixteen-chars-ok" };
        Assert.True(validator.Validate(null, good).Succeeded);

        Assert.Contains("ClusterKey", Failures(new TransportOptions { ClusterKey = "short" }));
        Assert.Contains("MaxFrameBytes", Failures(new TransportOptions { ClusterKey = good.ClusterKey, MaxFrameBytes = 10 }));
        Assert.Contains("PeerTimeout", Failures(new TransportOptions { ClusterKey = good.ClusterKey, PeerTimeout = TimeSpan.FromSeconds(1), HeartbeatInterval = TimeSpan.FromSeconds(1) }));
        Assert.Contains("ReconnectMaxDelay", Failures(new TransportOptions { ClusterKey = good.ClusterKey, ReconnectBaseDelay = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromSeconds(1) }));

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new SiloTransport(
            new SiloEndpoint(new SiloId(1), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)),
            [],
            new TransportOptions(),
            (_, _, _) => ValueTask.CompletedTask,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
    }

    private static string Failures(TransportOptions options) =>
        new TransportOptionsValidator().Validate(null, options).FailureMessage ?? "";
}
