using System.Net;
using System.Text;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class LockEndpointTests
{
    [Fact]
    public async Task Acquire_answers_the_token_owner_and_expiry_and_a_second_owner_is_busy_with_the_holder()
    {
        // Proves acquire is 200 {name, state granted, token, owner, expiresAtMs, nowMs, maxClockDriftMs} and another owner's acquire is 409 lock_busy naming the holder.
        var locks = new FakeLockGateway { NowMs = 5000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);

        using var granted = await PostAsync(server, "v1/locks/jobs%2Fnightly/acquire", """{"owner":"a","ttlMs":2000}""");
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var body = await Json.ReadAsync(granted);
        Assert.Equal("jobs/nightly", body.GetProperty("name").GetString());
        Assert.Equal("granted", body.GetProperty("state").GetString());
        Assert.Equal(1UL, body.GetProperty("token").GetUInt64());
        Assert.Equal("a", body.GetProperty("owner").GetString());
        Assert.Equal(7000UL, body.GetProperty("expiresAtMs").GetUInt64());
        Assert.Equal(5000UL, body.GetProperty("nowMs").GetUInt64());
        Assert.Equal(1000UL, body.GetProperty("maxClockDriftMs").GetUInt64());

        using var busy = await PostAsync(server, "v1/locks/jobs%2Fnightly/acquire", """{"owner":"b","ttlMs":2000}""");
        var conflict = await Json.AssertErrorAsync(busy, HttpStatusCode.Conflict, "lock_busy");
        Assert.Equal("a", conflict.GetProperty("owner").GetString());
        Assert.Equal(1UL, conflict.GetProperty("token").GetUInt64());
        Assert.Equal(7000UL, conflict.GetProperty("expiresAtMs").GetUInt64());
    }

    [Fact]
    public async Task After_expiry_and_the_drift_bound_another_owner_gets_a_higher_token_and_the_old_lease_is_lost()
    {
        // Proves a lease expires only past expiresAtMs + drift, the next grant's token is higher, and the old holder's renew and release are 409 lease_lost.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        var first = await Json.ReadAsync(await PostAsync(server, "v1/locks/l/acquire", """{"owner":"a","ttlMs":2000}"""));
        var token = first.GetProperty("token").GetUInt64();

        locks.NowMs = 4000; // expiresAt 3000 + drift 1000: still held.
        using var stillHeld = await PostAsync(server, "v1/locks/l/acquire", """{"owner":"b","ttlMs":2000}""");
        await Json.AssertErrorAsync(stillHeld, HttpStatusCode.Conflict, "lock_busy");

        locks.NowMs = 4001;
        var second = await Json.ReadAsync(await PostAsync(server, "v1/locks/l/acquire", """{"owner":"b","ttlMs":2000}"""));
        Assert.True(second.GetProperty("token").GetUInt64() > token);
        Assert.Equal("b", second.GetProperty("owner").GetString());

        using var renew = await PostAsync(server, "v1/locks/l/renew", $$"""{"owner":"a","token":{{token}}}""");
        await Json.AssertErrorAsync(renew, HttpStatusCode.Conflict, "lease_lost");
        using var release = await PostAsync(server, "v1/locks/l/release", $$"""{"owner":"a","token":{{token}}}""");
        await Json.AssertErrorAsync(release, HttpStatusCode.Conflict, "lease_lost");
    }

    [Fact]
    public async Task Renew_extends_release_frees_and_get_shows_holder_or_free()
    {
        // Proves renew moves the expiry (with a new ttl), GET shows the holder, release is 200 released, and GET then answers free.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        var token = (await Json.ReadAsync(await PostAsync(server, "v1/locks/l/acquire", """{"owner":"a","ttlMs":2000}"""))).GetProperty("token").GetUInt64();

        locks.NowMs = 2500;
        using var renew = await PostAsync(server, "v1/locks/l/renew", $$"""{"owner":"a","token":{{token}},"ttlMs":5000}""");
        var renewed = await Json.ReadAsync(renew);
        Assert.Equal("renewed", renewed.GetProperty("state").GetString());
        Assert.Equal(token, renewed.GetProperty("token").GetUInt64());
        Assert.Equal(7500UL, renewed.GetProperty("expiresAtMs").GetUInt64());

        var held = await Json.ReadAsync(await server.Http.GetAsync("v1/locks/l"));
        Assert.Equal("held", held.GetProperty("state").GetString());
        Assert.Equal("a", held.GetProperty("owner").GetString());
        Assert.Equal(token, held.GetProperty("token").GetUInt64());

        using var release = await PostAsync(server, "v1/locks/l/release", $$"""{"owner":"a","token":{{token}}}""");
        var released = await Json.ReadAsync(release);
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Equal("released", released.GetProperty("state").GetString());

        var free = await Json.ReadAsync(await server.Http.GetAsync("v1/locks/l"));
        Assert.Equal("free", free.GetProperty("state").GetString());
        Assert.False(free.TryGetProperty("owner", out _));
        Assert.False(free.TryGetProperty("token", out _));
    }

    [Theory]
    [InlineData("v1/locks/l/acquire", """{"ttlMs":1000}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"","ttlMs":1000}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"a"}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"a","ttlMs":0}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"a","ttlMs":600001}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"a","ttlMs":-5}""", "body_invalid")]
    [InlineData("v1/locks/l/acquire", """{"owner":"a","ttl":1000}""", "body_invalid")]
    [InlineData("v1/locks/l/acquire", """not json""", "body_invalid")]
    [InlineData("v1/locks/l/renew", """{"owner":"a"}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/renew", """{"owner":"a","token":0}""", "lock_request_invalid")]
    [InlineData("v1/locks/l/release", """{"owner":"a","token":1,"ttlMs":5}""", "body_invalid")]
    [InlineData("v1/locks/%FF/acquire", """{"owner":"a","ttlMs":1000}""", "lock_name_invalid")]
    public async Task Bad_lock_requests_are_400_with_a_clear_code_and_never_reach_the_lock_group(string path, string body, string code)
    {
        // Proves missing or out-of-range owner, ttl and token, unknown fields, bad JSON and bad names are refused at the boundary with their own codes.
        var locks = new FakeLockGateway();
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);

        using var response = await PostAsync(server, path, body);
        await Json.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Empty(locks.Calls);
    }

    [Fact]
    public async Task Lock_names_and_owners_over_the_limits_are_refused_and_logged()
    {
        // Proves a 257-byte name is 400 lock_name_too_large, a 129-byte owner is 400 lock_request_invalid, and each refusal is logged (event 7102) with its code.
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), new FakeLockGateway());

        using var longName = await PostAsync(server, "v1/locks/" + new string('n', 257) + "/acquire", """{"owner":"a","ttlMs":1000}""");
        await Json.AssertErrorAsync(longName, HttpStatusCode.BadRequest, "lock_name_too_large");
        using var longOwner = await PostAsync(server, "v1/locks/l/acquire", $$"""{"owner":"{{new string('o', 129)}}","ttlMs":1000}""");
        await Json.AssertErrorAsync(longOwner, HttpStatusCode.BadRequest, "lock_request_invalid");

        var refusals = server.Logs.Entries.Where(e => e.Id.Id == 7102).Select(e => e.Message).ToList();
        Assert.Contains(refusals, m => m.Contains("lock_name_too_large", StringComparison.Ordinal));
        Assert.Contains(refusals, m => m.Contains("lock_request_invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lock_group_without_a_leader_is_503_with_retry_after()
    {
        // Proves an unavailable lock group answers 503 unavailable with Retry-After, like a key-value group.
        var locks = new FakeLockGateway();
        locks.UnavailableNext(1);
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);

        using var response = await PostAsync(server, "v1/locks/l/acquire", """{"owner":"a","ttlMs":1000}""");
        await Json.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Without_a_lock_gateway_the_lock_paths_are_unknown()
    {
        // Proves the lock endpoints are mapped only when the host registers a lock gateway (a key-value-only host answers no_route).
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway());

        using var response = await PostAsync(server, "v1/locks/l/acquire", """{"owner":"a","ttlMs":1000}""");
        await Json.AssertErrorAsync(response, HttpStatusCode.NotFound, "no_route");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpApiServer server, string path, string json) =>
        server.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
