using Synod.Grains.KeyValue;

namespace Synod.Grains.Tests.KeyValue;

public sealed class KvSessionTests
{
    [Fact]
    public void A_retried_request_is_applied_once_and_answered_with_the_saved_response()
    {
        // Proves a duplicate sequence number returns the first response without applying the command again.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Register("other");
        kv.Put("c", 1, "a", "old");

        var first = kv.Put("c", 2, "a", "mine", returnPrevious: true);
        kv.Put("other", 1, "a", "theirs");
        var retry = kv.Put("c", 2, "a", "mine", returnPrevious: true);

        Assert.Equal(KvResult.Ok(KvHarness.Bytes("old")), first);
        Assert.Equal(first, retry);
        Assert.Equal("theirs", kv.ValueOf("a"));
    }

    [Fact]
    public void A_retried_compare_and_set_gets_its_saved_mismatch_even_after_the_state_changed()
    {
        // Proves the saved response is replayed as it was, not recomputed against the current state.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Register("other");
        kv.Put("other", 1, "a", "1");

        var first = kv.CompareAndSet("c", 1, "a", "0", "2");
        kv.Put("other", 2, "a", "0");
        var retry = kv.CompareAndSet("c", 1, "a", "0", "2");

        Assert.Equal(KvResult.CasMismatch(KvHarness.Bytes("1")), first);
        Assert.Equal(first, retry);
        Assert.Equal("0", kv.ValueOf("a"));
    }

    [Fact]
    public void A_request_older_than_the_last_applied_is_stale_and_not_applied()
    {
        // Proves a lower sequence number than the session's last is answered StaleRequest and changes nothing.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Put("c", 1, "a", "1");
        kv.Put("c", 3, "a", "3");

        Assert.Equal(KvResult.StaleRequest, kv.Put("c", 1, "a", "1"));
        Assert.Equal(KvResult.StaleRequest, kv.Delete("c", 2, "a"));
        Assert.Equal("3", kv.ValueOf("a"));
    }

    [Fact]
    public void A_request_from_an_unregistered_client_is_session_expired_and_not_applied()
    {
        // Proves only registered client ids can write, which is what makes eviction safe.
        var kv = new KvHarness();

        Assert.Equal(KvResult.SessionExpired, kv.Put("stranger", 1, "a", "1"));
        Assert.Null(kv.ValueOf("a"));
        Assert.Equal(0, kv.Machine.SessionCount);
    }

    [Fact]
    public void A_retried_registration_does_not_reset_the_session()
    {
        // Proves registering a live id again keeps its sequence, so a later retry is still recognised.
        var kv = new KvHarness();
        kv.Register("c");
        kv.Register("other");
        var first = kv.Put("c", 1, "a", "1");
        kv.Put("other", 1, "a", "2");

        Assert.Equal(KvResult.Ok(), kv.Register("c"));
        Assert.Equal(first, kv.Put("c", 1, "a", "1"));
        Assert.Equal("2", kv.ValueOf("a"));
        Assert.Equal(2, kv.Machine.SessionCount);
    }

    [Fact]
    public void Registering_past_the_limit_evicts_the_least_recently_applied_session()
    {
        // Proves eviction picks the session whose last applied entry is oldest, not the oldest registration.
        var kv = new KvHarness(new KvStateMachineConfig { MaxSessions = 2 });
        kv.Register("a");
        kv.Register("b");
        kv.Put("a", 1, "k", "from a");

        kv.Register("c");

        Assert.Equal(2, kv.Machine.SessionCount);
        Assert.Equal(KvResult.SessionExpired, kv.Put("b", 1, "k", "from b"));
        Assert.Equal(KvResult.Ok(), kv.Put("a", 2, "k", "a again"));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 1, "k", "from c"));
        Assert.Equal("from c", kv.ValueOf("k"));
    }

    [Fact]
    public void Eviction_is_the_same_on_every_replica()
    {
        // Proves two replicas applying the same entries evict the same sessions and end in the same state.
        var config = new KvStateMachineConfig { MaxSessions = 3 };
        var replicas = new[] { new KvHarness(config), new KvHarness(config) };
        foreach (var kv in replicas)
        {
            for (var client = 0; client < 8; client++)
            {
                kv.Register("client-" + client);
                kv.Put("client-" + ((client * 5) % 8), 1, "k" + client, "v");
                kv.Put("client-" + ((client * 3) % 8), 2, "k" + client, "w");
            }
        }

        KvHarness.AssertSameState(replicas[0].Machine, replicas[1].Machine);
        Assert.Equal(replicas[0].Machine.Snapshot(), replicas[1].Machine.Snapshot());
        Assert.Equal(3, replicas[0].Machine.SessionCount);
    }

    [Fact]
    public void A_retry_after_eviction_is_session_expired_instead_of_applied_twice()
    {
        // Proves an evicted client's retry of an applied request is refused, not mistaken for a new one.
        var kv = new KvHarness(new KvStateMachineConfig { MaxSessions = 1 });
        kv.Register("slow");
        Assert.Equal(KvResult.Ok(), kv.Put("slow", 1, "counter", "1"));
        kv.Register("fast");
        kv.Put("fast", 1, "counter", "2");

        var retry = kv.Put("slow", 1, "counter", "1");

        Assert.Equal(KvResult.SessionExpired, retry);
        Assert.Equal("2", kv.ValueOf("counter"));
    }

    [Fact]
    public void Expire_sessions_ends_sessions_idle_before_the_given_index()
    {
        // Proves ExpireSessions removes exactly the sessions last applied below its index, and refuses a future index.
        var kv = new KvHarness();
        kv.Register("idle");
        kv.Register("busy");
        kv.Put("busy", 1, "k", "v");

        Assert.Equal(KvResult.Rejected(KvRejectReason.IndexInFuture), kv.ExpireSessions(kv.LastIndex + 2));
        Assert.Equal(KvResult.Ok(), kv.ExpireSessions(3));

        Assert.Equal(1, kv.Machine.SessionCount);
        Assert.Equal(KvResult.SessionExpired, kv.Put("idle", 1, "k", "x"));
        Assert.Equal(KvResult.Ok(), kv.Put("busy", 2, "k", "w"));
    }

    [Fact]
    public void A_full_store_answer_is_saved_in_the_session_like_any_outcome()
    {
        // Proves StoreFull consumes the sequence number, so a retry cannot succeed later after space frees.
        var config = new KvStateMachineConfig { MaxKeyBytes = 4, MaxValueBytes = 8, MaxDataBytes = 24 };
        var kv = new KvHarness(config);
        kv.Register("c");
        kv.Register("d");
        Assert.Equal(KvResult.Ok(), kv.Put("c", 1, "a", "12345678"));

        var full = kv.Put("c", 2, "b", "x");
        kv.Delete("d", 1, "a");
        var retry = kv.Put("c", 2, "b", "x");

        Assert.Equal(KvResult.Rejected(KvRejectReason.StoreFull), full);
        Assert.Equal(full, retry);
        Assert.Null(kv.ValueOf("b"));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 3, "b", "x"));
    }

    [Fact]
    public void A_first_request_with_open_session_opens_the_session_in_the_same_entry()
    {
        // Proves request 1 with open_session applies without a separate registration, that its retry
        // gets the saved answer (not applied again), and that the session then serves request 2.
        var kv = new KvHarness();
        var first = kv.Apply(KvCommands.Put(KvCommands.Request(KvHarness.Bytes("c"), 1, openSession: true), KvHarness.Bytes("a"), KvHarness.Bytes("1"), returnPrevious: true));
        kv.Register("other");
        kv.Put("other", 1, "a", "2");
        var retry = kv.Apply(KvCommands.Put(KvCommands.Request(KvHarness.Bytes("c"), 1, openSession: true), KvHarness.Bytes("a"), KvHarness.Bytes("1"), returnPrevious: true));

        Assert.Equal(KvResult.Ok(null), first);
        Assert.Equal(first, retry);
        Assert.Equal("2", kv.ValueOf("a"));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 2, "a", "3"));
        Assert.Equal(2, kv.Machine.SessionCount);
    }

    [Fact]
    public void Open_session_on_a_later_request_of_an_unknown_client_is_session_expired_and_not_applied()
    {
        // Proves open_session only opens on sequence 1: a retry of request 5 from an evicted client is
        // never taken for a new session (it could have been applied before the eviction).
        var kv = new KvHarness(new KvStateMachineConfig { MaxSessions = 1 });
        kv.Apply(KvCommands.Put(KvCommands.Request(KvHarness.Bytes("c"), 1, openSession: true), KvHarness.Bytes("a"), KvHarness.Bytes("1")));
        Assert.Equal(KvResult.Ok(), kv.Put("c", 5, "a", "5"));
        kv.Register("evicts-c");

        Assert.Equal(KvResult.SessionExpired, kv.Apply(KvCommands.Put(KvCommands.Request(KvHarness.Bytes("c"), 5, openSession: true), KvHarness.Bytes("a"), KvHarness.Bytes("again"))));
        Assert.Equal(KvResult.SessionExpired, kv.Apply(KvCommands.Put(KvCommands.Request(KvHarness.Bytes("stranger"), 2, openSession: true), KvHarness.Bytes("a"), KvHarness.Bytes("x"))));
        Assert.Equal("5", kv.ValueOf("a"));
        Assert.Equal(1, kv.Machine.SessionCount);
    }
}
