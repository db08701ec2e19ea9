using Synod.Client;
using Synod.Silo.Tests.Harness;

namespace Synod.Silo.Tests;

public sealed class SynodLockClientTests
{
    [Fact]
    public async Task Acquire_returns_a_lease_and_a_second_owner_learns_the_holder()
    {
        // Proves AcquireLockAsync answers the lease (name, owner, token, expiry, a local deadline no later than ttl after sending) and, when busy, the holder instead of throwing.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        using var client = SynodClientTests.Client(server.BaseAddress);
        var before = DateTimeOffset.UtcNow;

        var first = await client.AcquireLockAsync("jobs/nightly", "a", TimeSpan.FromSeconds(2));
        Assert.True(first.Acquired);
        var lease = first.Lease!;
        Assert.Equal(("jobs/nightly", "a", 1UL, 3000UL, 1000UL), (lease.Name, lease.Owner, lease.Token, lease.ExpiresAtMs, lease.NowMs));
        Assert.InRange(lease.ValidUntil, before, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));

        var second = await client.AcquireLockAsync("jobs/nightly", "b", TimeSpan.FromSeconds(2));
        Assert.False(second.Acquired);
        Assert.Equal(new SynodLockHolder("a", 1, 3000, 1000, 1000), second.Holder);
        Assert.Equal(new SynodLockHolder("a", 1, 3000, 1000, 1000), await client.GetLockAsync("jobs/nightly"));
    }

    [Fact]
    public async Task Renew_and_release_answer_lost_leases_as_values()
    {
        // Proves renew extends a held lease, and once the lease expired and another owner took the lock, renew answers null and release false; release of a held lease is true and frees the lock.
        var locks = new FakeLockGateway { NowMs = 1000 };
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        using var client = SynodClientTests.Client(server.BaseAddress);
        var lease = (await client.AcquireLockAsync("l", "a", TimeSpan.FromSeconds(1))).Lease!;

        locks.NowMs = 1500;
        var renewed = await client.RenewLockAsync(lease, TimeSpan.FromSeconds(3));
        Assert.Equal(4500UL, renewed!.ExpiresAtMs);
        Assert.Equal(lease.Token, renewed.Token);

        locks.NowMs = 5501;
        var taken = (await client.AcquireLockAsync("l", "b", TimeSpan.FromSeconds(1))).Lease!;
        Assert.True(taken.Token > lease.Token);
        Assert.Null(await client.RenewLockAsync(lease));
        Assert.False(await client.ReleaseLockAsync(lease));

        Assert.True(await client.ReleaseLockAsync(taken));
        Assert.Null(await client.GetLockAsync("l"));
    }

    [Fact]
    public async Task A_fenced_write_with_an_old_token_throws_fenced_and_leaves_the_new_holders_value()
    {
        // Proves PutAsync, DeleteAsync and CompareAndSetAsync send the fence, and a write with a lower token than one seen throws SynodException code fenced, not outcome-unknown.
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway);
        using var client = SynodClientTests.Client(server.BaseAddress);

        await client.PutAsync("k", "holder 2", new SynodFence("l", 2));
        var put = await Assert.ThrowsAsync<SynodException>(() => client.PutAsync("k", "holder 1", new SynodFence("l", 1)));
        Assert.Equal(SynodErrorCodes.Fenced, put.Code);
        Assert.Equal(409, put.StatusCode);
        Assert.False(put.OutcomeUnknown);
        var delete = await Assert.ThrowsAsync<SynodException>(() => client.DeleteAsync("k", new SynodFence("l", 1)));
        Assert.Equal(SynodErrorCodes.Fenced, delete.Code);
        var cas = await Assert.ThrowsAsync<SynodException>(() => client.CompareAndSetStringAsync("k", "holder 2", "x", new SynodFence("l", 1)));
        Assert.Equal(SynodErrorCodes.Fenced, cas.Code);

        Assert.Equal("holder 2", await client.GetStringAsync("k"));
        Assert.True((await client.CompareAndSetStringAsync("k", "holder 2", "holder 2 again", new SynodFence("l", 2))).Succeeded);
        Assert.True(await client.DeleteAsync("k", new SynodFence("l", 3)));
        Assert.All(gateway.Fences, fence => Assert.Equal("l", fence.LockName));
    }

    [Fact]
    public async Task Lock_names_are_one_escaped_segment_and_fence_names_are_percent_encoded()
    {
        // Proves a lock name with '/', ':' and non-ASCII reaches the gateway intact in the path and in the fence header.
        var locks = new FakeLockGateway();
        var gateway = new FakeKeyValueGateway();
        await using var server = await HttpApiServer.StartAsync(gateway, locks);
        using var client = SynodClientTests.Client(server.BaseAddress);
        const string name = "jobs/ключ:1 %";

        var lease = (await client.AcquireLockAsync(name, "a", TimeSpan.FromSeconds(1))).Lease!;
        await client.PutAsync("k", "v", SynodFence.Of(lease));

        Assert.Equal(("acquire", name), locks.Calls.Single());
        Assert.Equal(new Synod.Silo.Gateway.KeyValueFence(name, lease.Token), gateway.Fences.Single());
    }

    [Fact]
    public async Task Retries_reach_the_lock_group_after_503s_and_bad_arguments_fail_before_sending()
    {
        // Proves a lock request is retried through 503s like a key-value read, and a ttl out of range or an empty owner throws before any request.
        var locks = new FakeLockGateway();
        locks.UnavailableNext(2);
        await using var server = await HttpApiServer.StartAsync(new FakeKeyValueGateway(), locks);
        using var client = SynodClientTests.Client(server.BaseAddress);

        Assert.True((await client.AcquireLockAsync("l", TimeSpan.FromSeconds(1))).Acquired);
        Assert.Equal(3, locks.Calls.Count);
        Assert.Equal(client.LockOwner, (await client.GetLockAsync("l"))!.Owner);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.AcquireLockAsync("l", "a", TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.AcquireLockAsync("l", "a", TimeSpan.FromMinutes(11)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.AcquireLockAsync("l", "", TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ReleaseLockAsync("l", "a", 0));
        Assert.Equal(4, locks.Calls.Count);
    }
}
