using System.Text;
using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;
using Synod.Silo.Hosting;
using Status = Synod.Grains.Interfaces.Wire.LockResult.Types.Status;
using Reason = Synod.Grains.Interfaces.Wire.LockResult.Types.RejectReason;

namespace Synod.Silo.Gateway;

/// <summary>
/// The lock gateway over replica grains: a lock name goes to its lock group
/// (<see cref="ClusterLayout.LockGroupOf"/>), and the command to that group's leader through the
/// key-value gateway's leader machinery (NotLeader hints, the next replica when one cannot be
/// reached, an unknown outcome retried, a deadline). Re-proposing an acquire or renew is safe: the
/// holder's acquire answers the same token, and a renew only extends. A release retried after
/// its first attempt was applied answers LeaseLost (the lock is already freed).
/// </summary>
/// <remarks>The leader stamps each command with its own time (locks.proto); this gateway sends 0.</remarks>
internal sealed class GrainLockGateway(GrainKeyValueGateway replicas, LayoutHolder layout) : ILockGateway
{
    /// <summary>Longest lock name, in UTF-8 bytes (the lock machine's and the fence table's default).</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Longest owner, in UTF-8 bytes (the lock machine's default).</summary>
    public const int MaxOwnerBytes = 128;

    /// <summary>Longest lease, in milliseconds (the lock machine's default).</summary>
    public const ulong MaxTtlMs = 10 * 60 * 1000;

    public Task<LockOutcome> AcquireAsync(string name, string owner, ulong ttlMs, CancellationToken cancellationToken) =>
        ProposeAsync(name, owner, new LockCommand { Acquire = new LockAcquire { Name = Utf8(name), Owner = Utf8(owner), TtlMs = ttlMs } }, cancellationToken);

    public Task<LockOutcome> RenewAsync(string name, string owner, ulong token, ulong ttlMs, CancellationToken cancellationToken) =>
        ProposeAsync(name, owner, new LockCommand { Renew = new LockRenew { Name = Utf8(name), Owner = Utf8(owner), Token = token, TtlMs = ttlMs } }, cancellationToken);

    public Task<LockOutcome> ReleaseAsync(string name, string owner, ulong token, CancellationToken cancellationToken) =>
        ProposeAsync(name, owner, new LockCommand { Release = new LockRelease { Name = Utf8(name), Owner = Utf8(owner), Token = token } }, cancellationToken);

    public async Task<LockOutcome> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (CheckName(name) is { } bad)
        {
            return bad;
        }

        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        if (layout.Current.LockGroupOf(nameBytes) is not { } group)
        {
            return NoLockGroup();
        }

        ReplicaAnswer? answer = await replicas.ReadGroupAsync(group, nameBytes, cancellationToken).ConfigureAwait(false);
        return ToOutcome(answer);
    }

    private async Task<LockOutcome> ProposeAsync(string name, string owner, LockCommand command, CancellationToken cancellationToken)
    {
        if ((CheckName(name) ?? CheckOwner(owner)) is { } bad)
        {
            return bad;
        }

        if (layout.Current.LockGroupOf(Encoding.UTF8.GetBytes(name)) is not { } group)
        {
            return NoLockGroup();
        }

        ReplicaAnswer? answer = await replicas.ProposeAsync(group, command.ToByteArray(), cancellationToken).ConfigureAwait(false);
        return ToOutcome(answer);
    }

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);

    private static LockOutcome? CheckName(string name) =>
        string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > MaxNameBytes
            ? new LockOutcome(LockOutcomeKind.BadRequest, Message: $"a lock name has 1 to {MaxNameBytes} UTF-8 bytes")
            : null;

    private static LockOutcome? CheckOwner(string owner) =>
        string.IsNullOrEmpty(owner) || Encoding.UTF8.GetByteCount(owner) > MaxOwnerBytes
            ? new LockOutcome(LockOutcomeKind.BadRequest, Message: $"an owner has 1 to {MaxOwnerBytes} UTF-8 bytes")
            : null;

    private static LockOutcome NoLockGroup() =>
        new(LockOutcomeKind.Unavailable, Message: "the cluster has no lock group yet (its directory may not be read yet); retry");

    internal static LockOutcome ToOutcome(ReplicaAnswer? answer)
    {
        if (answer is null)
        {
            return new LockOutcome(LockOutcomeKind.Unavailable, Message: "the lock's group did not answer in time (no leader or no quorum)");
        }

        if (answer.Status != ReplicaAnswer.Types.Status.Ok)
        {
            return new LockOutcome(LockOutcomeKind.BadRequest, Message: answer.Detail);
        }

        LockResult result;
        try
        {
            result = LockResult.Parser.ParseFrom(answer.Result);
        }
        catch (InvalidProtocolBufferException)
        {
            // Expected only from a replica of another version; the caller may retry elsewhere.
            return new LockOutcome(LockOutcomeKind.Unavailable, Message: "the replica's answer could not be decoded");
        }

        string? owner = result.Owner.IsEmpty ? null : result.Owner.ToStringUtf8();
        LockOutcome Answer(LockOutcomeKind kind, string? message = null) =>
            new(kind, result.Token, owner, result.ExpiresAtMs, result.NowMs, result.MaxClockDriftMs, message, answer.Index);
        return result.Status switch
        {
            Status.Granted => Answer(LockOutcomeKind.Granted),
            Status.Ok => Answer(LockOutcomeKind.Ok),
            Status.Held => Answer(LockOutcomeKind.Held),
            Status.Free => Answer(LockOutcomeKind.Free),
            Status.Busy => Answer(LockOutcomeKind.Busy, "the lock is held by another owner"),
            Status.LostLease => Answer(LockOutcomeKind.LeaseLost, "the lease is not held with that owner and token (expired, released, or granted to another)"),
            Status.Rejected when result.RejectReason == Reason.LocksFull => Answer(LockOutcomeKind.LocksFull, "the lock group holds its maximum number of leases; retry later"),
            _ => Answer(LockOutcomeKind.BadRequest, $"rejected: {result.RejectReason}"),
        };
    }
}
