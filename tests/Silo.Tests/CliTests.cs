using System.CommandLine;
using Synod.Cli;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Put_then_get_prints_the_value()
    {
        // Proves `synod kv put a 1 && synod kv get a` prints OK then 1 against a real server.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "put", "a", "1", "--gateway", server.HostPort));
        Assert.Equal((0, "1\n", ""), await RunAsync("kv", "get", "a", "--gateway", server.HostPort));
    }

    [Fact]
    public async Task Get_of_an_absent_key_exits_1_with_a_message_on_stderr()
    {
        // Proves an absent key is exit code 1, nothing on stdout, one line on stderr.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        Assert.Equal((1, "", "synod: key 'nope' not found\n"), await RunAsync("kv", "get", "nope", "--gateway", server.HostPort));
    }

    [Fact]
    public async Task Del_says_ok_once_then_not_found()
    {
        // Proves del of a present key prints OK and of an absent key exits 1.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        await RunAsync("kv", "put", "a", "1", "-g", server.HostPort);

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "del", "a", "-g", server.HostPort));
        Assert.Equal((1, "", "synod: key 'a' not found\n"), await RunAsync("kv", "del", "a", "-g", server.HostPort));
    }

    [Fact]
    public async Task Cas_with_values_absent_and_delete()
    {
        // Proves cas KEY OLD NEW, --absent in place of OLD, --delete in place of NEW, and a mismatch that prints the current value.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        var g = server.HostPort;

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "cas", "k", "--absent", "one", "-g", g));
        Assert.Equal((1, "", "synod: compare-and-set failed: 'k' is 'one'\n"), await RunAsync("kv", "cas", "k", "two", "three", "-g", g));
        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "cas", "k", "one", "two", "-g", g));
        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "cas", "k", "two", "--delete", "-g", g));
        Assert.Equal((1, "", "synod: compare-and-set failed: 'k' is absent\n"), await RunAsync("kv", "cas", "k", "two", "--delete", "-g", g));
        Assert.Null(gateway.Peek("k"));
    }

    [Theory]
    [InlineData("kv", "cas", "k", "only-one")]
    [InlineData("kv", "cas", "k", "a", "b", "--absent")]
    [InlineData("kv", "get", ".")]
    [InlineData("kv", "get", "a", "--gateway", "no-port")]
    [InlineData("kv", "get", "a", "--gateway", "ftp://host:1")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        // Proves wrong argument counts, unaddressable keys and malformed gateways are usage errors (exit 2) before any request.
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Binary_values_travel_in_base64()
    {
        // Proves --base64 on put and get round-trips bytes that are not text, and get without it refuses to print them.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "put", "bin", "AP8=", "--base64", "-g", server.HostPort));
        Assert.Equal(new byte[] { 0, 255 }, gateway.Peek("bin"));
        Assert.Equal((0, "AP8=\n", ""), await RunAsync("kv", "get", "bin", "--base64", "-g", server.HostPort));
        var (exit, output, error) = await RunAsync("kv", "get", "bin", "-g", server.HostPort);
        Assert.Equal((2, ""), (exit, output));
        Assert.Contains("use --base64", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_prints_silos_and_replicas_as_tables()
    {
        // Proves `synod status` renders every silo and every replica's role, term, leader, commit and applied index.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        var (exit, output, error) = await RunAsync("status", "--gateway", server.HostPort);
        Assert.Equal((0, ""), (exit, error));
        Assert.Contains("Cluster as silo 1 sees it: 1 of 2 silos up, 1 groups", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => Cells(l).SequenceEqual(["2", "http://127.0.0.1:8082", "DOWN"]));
        Assert.Contains(lines, l => Cells(l).SequenceEqual(["kv-0", "raft", "1", "1", "leader", "3", "1", "42", "41"]));
        Assert.Contains(lines, l => Cells(l).SequenceEqual(["kv-0", "raft", "2", "2", "follower", "3", "1", "40", "40"]));
    }

    [Fact]
    public async Task Gateways_are_tried_in_order_and_the_option_goes_before_or_after_the_subcommand()
    {
        // Proves a repeated --gateway fails over from a dead address, and that the option works on `kv` as well as on its subcommands.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        Assert.Equal((0, "OK\n", ""), await RunAsync("kv", "--gateway", ClosedPort.Create().Authority, "--gateway", server.HostPort, "put", "a", "1"));
        Assert.Equal((0, "1\n", ""), await RunAsync("kv", "get", "a", "--gateway", "http://" + server.HostPort));
    }

    [Fact]
    public async Task An_unreachable_cluster_is_one_line_and_exit_3()
    {
        // Proves that when no gateway answers the CLI prints a single clear line on stderr and exits 3.
        var dead = Enumerable.Range(0, 3).SelectMany(_ => new[] { "-g", ClosedPort.Create().Authority }).ToArray();

        var (exit, output, error) = await RunAsync(["kv", "put", "a", "1", .. dead]);
        Assert.Equal((3, ""), (exit, output));
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("synod: put: no gateway answered in 6 attempts", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exit = await SynodCommandLine.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    // The non-empty cells of one table row, whatever the border characters.
    private static string[] Cells(string line) =>
        line.Split(['│', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
