using System.CommandLine;
using Synod.Cli;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class LockCliTests
{
    [Fact]
    public async Task Acquire_prints_the_token_and_a_busy_lock_names_its_holder()
    {
        // Proves `synod lock acquire NAME --ttl 2s --owner a` prints token, owner, expiry and drift, and a second owner gets exit 1 with the holder on stderr.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        var g = server.HostPort;

        Assert.Equal(
            (0, "token 1\nowner a\nexpires_at_ms 3000\nmax_clock_drift_ms 1000\n", ""),
            await RunAsync("lock", "acquire", "jobs", "--ttl", "2s", "--owner", "a", "-g", g));
        var busy = await RunAsync("lock", "acquire", "jobs", "--ttl", "2s", "--owner", "b", "-g", g);
        Assert.Equal((1, ""), (busy.Exit, busy.Output));
        Assert.Contains("held by 'a' with token 1", busy.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_owner_acquire_uses_and_prints_a_generated_owner_that_renew_and_release_take()
    {
        // Proves the default owner is printed, renew and release with it and the token succeed, and after release renew exits 1 (lease lost) and get prints free.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        var g = server.HostPort;

        var acquired = await RunAsync("lock", "acquire", "jobs", "--ttl", "10s", "-g", g);
        Assert.Equal(0, acquired.Exit);
        var fields = acquired.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        var owner = fields["owner"];
        Assert.Contains(":", owner, StringComparison.Ordinal);
        Assert.Equal($"token 1\nowner {owner}\nexpires_at_ms 11000\nmax_clock_drift_ms 1000\n", (await RunAsync("lock", "get", "jobs", "-g", g)).Output);

        locks.NowMs = 5000;
        Assert.Equal((0, $"token 1\nowner {owner}\nexpires_at_ms 35000\nmax_clock_drift_ms 1000\n", ""), await RunAsync("lock", "renew", "jobs", "--token", "1", "--owner", owner, "--ttl", "30s", "-g", g));
        Assert.Equal((0, "OK\n", ""), await RunAsync("lock", "release", "jobs", "--token", "1", "--owner", owner, "-g", g));
        Assert.Equal((1, "", "synod: the lease on 'jobs' is lost (expired, released, or granted to another owner)\n"), await RunAsync("lock", "renew", "jobs", "--token", "1", "--owner", owner, "-g", g));
        Assert.Equal((0, "free\n", ""), await RunAsync("lock", "get", "jobs", "-g", g));
    }

    [Fact]
    public async Task Kv_writes_take_a_fence_and_a_stale_one_fails_with_fenced()
    {
        // Proves `kv put/del/cas --fence NAME:TOKEN` send the fence, and a lower token than one seen exits 3 with the fenced refusal while the value stays.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        var g = server.HostPort;

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "put", "k", "new", "--fence", "jobs:a:9", "-g", g));
        var stale = await RunAsync("kv", "put", "k", "old", "--fence", "jobs:a:8", "-g", g);
        Assert.Equal(3, stale.Exit);
        Assert.Contains("put: fake fenced", stale.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await RunAsync("kv", "del", "k", "--fence", "jobs:a:8", "-g", g)).Exit);
        Assert.Equal(3, (await RunAsync("kv", "cas", "k", "new", "x", "--fence", "jobs:a:8", "-g", g)).Exit);
        Assert.Equal((0, "new\n", ""), await RunAsync("kv", "get", "k", "-g", g));
        Assert.Equal(new Synod.Silo.Gateway.KeyValueFence("jobs:a", 9), gateway.Fences.First());
    }

    [Theory]
    [InlineData("lock", "acquire", "jobs")]
    [InlineData("lock", "acquire", "jobs", "--ttl", "soon")]
    [InlineData("lock", "acquire", "jobs", "--ttl", "11m")]
    [InlineData("lock", "renew", "jobs", "--token", "1")]
    [InlineData("lock", "renew", "jobs", "--token", "0", "--owner", "a")]
    [InlineData("lock", "release", "jobs", "--owner", "a")]
    [InlineData("lock", "acquire", "..", "--ttl", "1s")]
    [InlineData("kv", "put", "k", "v", "--fence", "jobs")]
    [InlineData("kv", "put", "k", "v", "--fence", "jobs:0")]
    [InlineData("kv", "put", "k", "v", "--fence", ":3")]
    public async Task Bad_lock_arguments_are_usage_errors_that_send_nothing(params string[] args)
    {
        // Proves a missing ttl, token or owner, a bad duration, a lease over 10 minutes, token 0, a dot name and a malformed fence exit 2 before any request.
        var locks = new FakeLockGateway();
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway, locks);

        var (exit, _, _) = await RunAsync([.. args, "-g", server.HostPort]);
        Assert.Equal(2, exit);
        Assert.Empty(locks.Calls);
        Assert.Empty(gateway.Calls);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exit = await SynodCommandLine.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
