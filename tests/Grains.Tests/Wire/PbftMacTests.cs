using Google.Protobuf;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Pbft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Wire;

namespace Synod.Grains.Tests.Wire;

public sealed class PbftMacTests
{
    [Fact]
    public void A_client_authenticator_from_the_wire_helper_verifies_in_the_core_for_every_replica()
    {
        // Proves the client library's request MACs (PbftRequestMac, no reference to the core) are the bytes the core's ClientMac checks, and that another replica's key does not verify them.
        var request = new PbftClientRequest { Client = 77, Timestamp = 123_456, Operation = ByteString.CopyFromUtf8("operation bytes") };
        PbftRequestMac.Authenticate(request, 4, i => Key(77, i));
        Assert.True(PbftWire.TryFromWire(request, out ClientRequest? core, out string? error), error);

        for (int i = 0; i < 4; i++)
        {
            Assert.True(ClientMac.Verify(core!, new ReplicaIndex(i), Key(77, i)));
            Assert.False(ClientMac.Verify(core!, new ReplicaIndex(i), Key(77, (i + 1) % 4)));
        }

        Assert.Equal(ClientMac.Authenticate(core!, 4, i => Key(77, i)).Authenticator.ToArray(), request.Authenticator.ToByteArray());
    }

    [Fact]
    public void A_reply_MAC_fails_when_any_covered_field_changes()
    {
        // Proves a reply's MAC binds its result, view, client, timestamp, replica and group, so a silo cannot alter or re-address a replica's reply.
        byte[] key = Key(5, 2);
        var reply = new PbftReply { Status = PbftReply.Types.Status.Ok, View = 3, Client = 5, Timestamp = 9, Replica = 2, Result = ByteString.CopyFromUtf8("r") };
        reply.Mac = ByteString.CopyFrom(PbftReplyMac.Compute(key, "pbft-0", reply));
        Assert.True(PbftReplyMac.Verify(key, "pbft-0", reply));

        Assert.False(PbftReplyMac.Verify(key, "pbft-1", reply));
        Assert.False(PbftReplyMac.Verify(Key(5, 1), "pbft-0", reply));
        foreach (Action<PbftReply> change in new Action<PbftReply>[]
        {
            r => r.Result = ByteString.CopyFromUtf8("s"),
            r => r.View = 4,
            r => r.Client = 6,
            r => r.Timestamp = 10,
            r => r.Replica = 1,
        })
        {
            PbftReply altered = reply.Clone();
            change(altered);
            Assert.False(PbftReplyMac.Verify(key, "pbft-0", altered));
        }
    }

    [Fact]
    public void A_request_authenticated_for_one_group_does_not_verify_in_another()
    {
        // Proves client MAC keys are bound to the group: request MACs do not cover the group's name, so without that a request for pbft-1 replayed to pbft-2 would be accepted there.
        var request = new PbftClientRequest { Client = 8, Timestamp = 1, Operation = ByteString.CopyFromUtf8("op") };
        PbftRequestMac.Authenticate(request, 4, i => PbftClientKeys.Derive("secret"u8, "pbft-1", 8, i));
        Assert.True(PbftWire.TryFromWire(request, out ClientRequest? core, out string? error), error);
        Assert.True(ClientMac.Verify(core!, new ReplicaIndex(0), PbftClientKeys.Derive("secret"u8, "pbft-1", 8, 0)));
        Assert.False(ClientMac.Verify(core!, new ReplicaIndex(0), PbftClientKeys.Derive("secret"u8, "pbft-2", 8, 0)));
        Assert.Equal(PbftClientKeys.Derive("secret"u8, "pbft-1", 8, 3), PbftClientKeys.Derive("secret"u8, "pbft-1", 8, 3));
        Assert.Throws<ArgumentException>(() => PbftClientKeys.Derive("secret"u8, new string('g', PbftClientKeys.MaxGroupBytes + 1), 8, 0));
    }

    private static byte[] Key(ulong client, int replica) => PbftClientKeys.Derive("secret"u8, "pbft-0", client, replica);
}
