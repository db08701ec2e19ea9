using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Synod.Client;
using Synod.Silo.Gateway;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class SynodClientTests
{
    [Fact]
    public async Task Put_get_delete_round_trip_bytes_and_strings()
    {
        // Proves the client's basic operations map onto the HTTP API: absent is null/false, present is the value/true.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        using var client = Client(server.BaseAddress);

        Assert.Null(await client.GetAsync("k"));
        await client.PutAsync("k", new byte[] { 0, 255 });
        Assert.Equal(new byte[] { 0, 255 }, await client.GetAsync("k"));
        await client.PutAsync("users/42 ключ", "text");
        Assert.Equal("text", await client.GetStringAsync("users/42 ключ"));
        Assert.True(await client.DeleteAsync("k"));
        Assert.False(await client.DeleteAsync("k"));
        Assert.Null(await client.GetStringAsync("k"));
    }

    [Fact]
    public async Task Compare_and_set_reports_success_and_the_current_value()
    {
        // Proves create-if-absent, replace-if-equal, a mismatch with the current value, and delete-if-equal.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        using var client = Client(server.BaseAddress);

        Assert.Equal(new CompareAndSetResult(true, null).Succeeded, (await client.CompareAndSetStringAsync("k", null, "a")).Succeeded);
        var mismatch = await client.CompareAndSetStringAsync("k", "wrong", "b");
        Assert.False(mismatch.Succeeded);
        Assert.Equal("a", mismatch.CurrentString);
        var swapped = await client.CompareAndSetStringAsync("k", "a", "b");
        Assert.True(swapped.Succeeded);
        Assert.Equal("b", swapped.CurrentString);
        var deleted = await client.CompareAndSetAsync("k", Encoding.UTF8.GetBytes("b"), null);
        Assert.True(deleted.Succeeded);
        Assert.Null(deleted.Current);
        var absent = await client.CompareAndSetStringAsync("k", "b", "c");
        Assert.False(absent.Succeeded);
        Assert.Null(absent.Current);
    }

    [Fact]
    public async Task Status_comes_back_as_the_client_records()
    {
        // Proves the client reads /v1/status into its own records with every field intact.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(server.BaseAddress);

        var status = await client.GetStatusAsync();
        Assert.Equal("1", status.Silo);
        Assert.Equal([new SynodSiloStatus("1", "http://127.0.0.1:8081", true), new SynodSiloStatus("2", "http://127.0.0.1:8082", false)], status.Silos);
        var group = Assert.Single(status.Groups);
        Assert.Equal(("kv-0", "raft"), (group.Group, group.Protocol));
        Assert.Equal(new SynodReplicaStatus(1, "1", "leader", 3, 1, 42, 41), group.Replicas[0]);
    }

    [Fact]
    public async Task A_gateway_that_refuses_connections_is_skipped()
    {
        // Proves the client fails over from a dead first gateway to a live second one, and then keeps using the live one.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(ClosedPort.Create(), server.BaseAddress);

        await client.PutAsync("k", "v");
        Assert.Equal("v", await client.GetStringAsync("k"));
        Assert.Equal(2, gateway.Calls.Count);
    }

    [Fact]
    public async Task A_503_fails_over_and_the_retry_carries_the_same_request_id()
    {
        // Proves a write answered 503 by one gateway is retried at the next with the identical Synod-Request-Id.
        var first = new FakeKeyValueGateway();
        var second = new FakeKeyValueGateway();
        await using var one = await HttpApiServer.StartAsync(first);
        await using var two = await HttpApiServer.StartAsync(second);
        using var client = Client(one.BaseAddress, two.BaseAddress);
        first.FailNext(1);

        await client.PutAsync("k", "v");
        var refused = Assert.Single(first.Calls);
        var applied = Assert.Single(second.Calls);
        Assert.NotNull(refused.RequestId);
        Assert.Equal(refused.RequestId, applied.RequestId);
        Assert.Equal("v", Encoding.UTF8.GetString(second.Peek("k")!));
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_applied_once()
    {
        // Proves the retry of a write that was applied but answered 503 reuses its request id, so a deduplicating cluster applies it once.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(server.BaseAddress);
        gateway.FailNext(2, afterApply: true);

        var result = await client.CompareAndSetStringAsync("counter", null, "1");
        Assert.True(result.Succeeded);
        Assert.Equal(1, gateway.Applied);
        Assert.Single(gateway.Calls.Select(c => c.RequestId).Distinct());
        Assert.Equal(3, gateway.Calls.Count);
    }

    [Fact]
    public async Task Each_operation_gets_a_new_request_id_and_reads_get_none()
    {
        // Proves request ids are CLIENT:SEQUENCE, one per logical write with increasing sequence, and reads carry none.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(server.BaseAddress);

        await client.PutAsync("a", "1");
        await client.GetAsync("a");
        await client.DeleteAsync("a");
        var ids = gateway.Calls.Select(c => c.RequestId).ToList();
        Assert.Null(ids[1]);
        var (put, delete) = (ids[0]!.Split(':'), ids[2]!.Split(':'));
        Assert.Equal(22, put[0].Length);
        Assert.Equal(put[0], delete[0]);
        Assert.Equal(("1", "2"), (put[1], delete[1]));
        Assert.True(Synod.Silo.Http.RequestIdHeader.IsWellFormed(ids[0]!));
    }

    [Fact]
    public async Task Concurrent_writes_never_share_a_session()
    {
        // Proves that under concurrency every session's sequence numbers reach the server strictly increasing, as the state machine's sessions require.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(server.BaseAddress);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => client.PutAsync($"k{i % 8}", $"v{i}")));
        var bySession = gateway.Calls.Select(c => c.RequestId!.Split(':')).GroupBy(p => p[0]);
        Assert.All(bySession, session =>
        {
            var sequences = session.Select(p => ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequences.Order(), sequences);
            Assert.Equal(sequences.Count, sequences.Distinct().Count());
        });
        Assert.Equal(64, gateway.Applied);
    }

    [Fact]
    public async Task Exhausted_retries_throw_unavailable_with_unknown_outcome()
    {
        // Proves that when every attempt fails the client stops after MaxAttempts and says the outcome is unknown.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = Client(server.BaseAddress);
        gateway.FailNext(100);

        var error = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("k", "v"));
        Assert.Equal(SynodErrorCodes.Unavailable, error.Code);
        Assert.True(error.OutcomeUnknown);
        Assert.Contains("fake Unavailable", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, gateway.Calls.Count);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_carries_the_servers_code()
    {
        // Proves the cluster's refusals surface at once as SynodException with the server's code, without failover.
        var first = new FakeKeyValueGateway();
        var second = new FakeKeyValueGateway();
        await using var one = await HttpApiServer.StartAsync(first);
        await using var two = await HttpApiServer.StartAsync(second);
        using var client = Client(one.BaseAddress, two.BaseAddress);

        var error = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync(new string('k', 1025), "v"));
        Assert.Equal((SynodErrorCodes.KeyTooLarge, 400, false), (error.Code, error.StatusCode, error.OutcomeUnknown));
        first.FailNext(1, KeyValueOutcomeKind.BadRequest);
        var refused = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("k", "v"));
        Assert.Equal(SynodErrorCodes.BadRequest, refused.Code);
        Assert.Empty(second.Calls);
    }

    [Fact]
    public async Task A_write_refused_for_an_expired_session_on_its_only_attempt_is_sent_again_under_a_fresh_session()
    {
        // Proves a session_expired answer to a write's only attempt (so nothing of it was applied) is
        // retried once under a new client id numbered from 1, and the old id is never used again.
        var ids = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await HttpApiServer.StartStubAsync(app => app.MapPut("/v1/kv/{key}", (HttpContext context) =>
        {
            ids.Enqueue(context.Request.Headers["Synod-Request-Id"].ToString());
            return ids.Count == 2
                ? Results.Json(new { error = "the session expired", code = "session_expired" }, statusCode: 409)
                : Results.Json(new { index = ids.Count });
        }));
        using var client = Client(server.BaseAddress);

        await client.PutAsync("k", "v");
        await client.PutAsync("k", "v");
        await client.PutAsync("k", "v");
        var sent = ids.Select(id => id.Split(':')).ToList();
        Assert.Equal(4, sent.Count);
        Assert.Equal((sent[0][0], "1", "2"), (sent[1][0], sent[0][1], sent[1][1]));
        Assert.NotEqual(sent[1][0], sent[2][0]);
        Assert.Equal("1", sent[2][1]);
        Assert.Equal((sent[2][0], "2"), (sent[3][0], sent[3][1]));
    }

    [Fact]
    public async Task An_expired_session_after_an_attempt_without_answer_surfaces_with_an_unknown_outcome()
    {
        // Proves that when an earlier attempt may have been applied (a 503), session_expired is not
        // retried under a fresh id (that could apply the write twice): it surfaces as outcome unknown,
        // and the next write uses a fresh session.
        var ids = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await HttpApiServer.StartStubAsync(app => app.MapPut("/v1/kv/{key}", (HttpContext context) =>
        {
            ids.Enqueue(context.Request.Headers["Synod-Request-Id"].ToString());
            return ids.Count switch
            {
                1 => Results.Json(new { error = "no quorum", code = "unavailable" }, statusCode: 503),
                2 => Results.Json(new { error = "the session expired", code = "session_expired" }, statusCode: 409),
                _ => Results.Json(new { index = 1 }),
            };
        }));
        using var client = Client(server.BaseAddress);

        var error = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("k", "v"));
        Assert.Equal((SynodErrorCodes.SessionExpired, true), (error.Code, error.OutcomeUnknown));
        await client.PutAsync("k", "v");
        var sessions = ids.Select(id => id.Split(':')[0]).ToList();
        Assert.Equal(3, sessions.Count);
        Assert.Equal(sessions[0], sessions[1]);
        Assert.NotEqual(sessions[1], sessions[2]);
    }

    [Fact]
    public async Task A_gateway_that_stalls_past_the_request_timeout_is_skipped()
    {
        // Proves the per-attempt timeout moves a hung request on to the next gateway with the same request id.
        var slow = new FakeKeyValueGateway();
        var fast = new FakeKeyValueGateway();
        await using var one = await HttpApiServer.StartAsync(slow);
        await using var two = await HttpApiServer.StartAsync(fast);
        using var client = Client(one.BaseAddress, two.BaseAddress);
        slow.StallNext(TimeSpan.FromSeconds(30));

        await client.PutAsync("k", "v");
        Assert.Equal(Assert.Single(slow.Calls).RequestId, Assert.Single(fast.Calls).RequestId);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_failover()
    {
        // Proves cancelling the token ends the operation with OperationCanceledException instead of trying other gateways.
        var gateway = new FakeKeyValueGateway();
        var other = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        await using var second = await HttpApiServer.StartAsync(other);
        using var client = Client(server.BaseAddress, second.BaseAddress);
        gateway.StallNext(TimeSpan.FromSeconds(30));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("k", cancellation.Token));
        Assert.Empty(other.Calls);
    }

    [Fact]
    public async Task Something_that_is_not_a_silo_is_a_protocol_error()
    {
        // Proves an answer without the API's JSON error body is reported as code protocol, not misread as "absent".
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());
        using var client = Client(new Uri(server.BaseAddress, "not-synod/"));

        var error = await Assert.ThrowsAsync<SynodException>(() => client.GetAsync("k"));
        Assert.Equal(SynodErrorCodes.Protocol, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    public void Keys_that_cannot_be_addressed_are_argument_errors(string key)
    {
        // Proves empty, '.' and '..' keys fail fast, synchronously, on the caller's side.
        using var client = new SynodClient();
        Assert.ThrowsAny<ArgumentException>(() => { _ = client.GetAsync(key); });
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_client_is_created()
    {
        // Proves option validation runs in the constructor and names the problem.
        var options = new SynodClientOptions { MaxAttempts = 0 };
        options.Gateways.Add(new Uri("ftp://example/"));

        var error = Assert.Throws<ArgumentException>(() => new SynodClient(options));
        Assert.Contains("MaxAttempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("ftp://example/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_gateways_means_the_development_cluster()
    {
        // Proves the default client talks to 127.0.0.1:8081-8083.
        using var client = new SynodClient();
        Assert.Equal(["127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"], client.Gateways.Select(g => g.Authority));
    }

    internal static SynodClient Client(params Uri[] gateways)
    {
        var options = new SynodClientOptions { MaxAttempts = 4, RequestTimeout = TimeSpan.FromSeconds(2), RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        foreach (var gateway in gateways)
        {
            options.Gateways.Add(gateway);
        }

        return new SynodClient(options);
    }
}
