using System.Text;
using Xunit.Abstractions;
using Synod.Silo.Tests.Harness;
namespace Synod.Silo.Tests;
public sealed class ExploreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Explore()
    {
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        foreach (var (method, target, extra) in new[] {
            ("PUT", Encoding.UTF8.GetBytes("/v1/kv/ключ"), "Content-Length: 1\r\n"),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/a/../b"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/%2e%2e"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/a/%2e%2e/b"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/%2e"), ""),
            ("GET", Encoding.UTF8.GetBytes($"http://{server.HostPort}/v1/kv/x%2Fy?q=1"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/%C3%28"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/%ZZ"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/"), ""),
            ("HEAD", Encoding.UTF8.GetBytes("/v1/kv/a"), ""),
            ("POST", Encoding.UTF8.GetBytes("/v1/kv/a"), "Content-Length: 0\r\n"),
            ("GET", Encoding.UTF8.GetBytes("/v1/kv/a/cas"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1/nope"), ""),
            ("GET", Encoding.UTF8.GetBytes("/v1//kv/a"), ""),
            ("GET", Encoding.UTF8.GetBytes("/V1/KV/a"), ""),
        })
        {
            var (status, body) = await RawHttp.SendAsync(server.BaseAddress, RawHttp.Head(method, target, server.HostPort, extra), method == "PUT" ? [65] : null);
            output.WriteLine($"{method} {Encoding.UTF8.GetString(target)} -> {status} {body}");
        }
        output.WriteLine(string.Join(",", gateway.Calls.Select(c => c.Key)));
    }
}
