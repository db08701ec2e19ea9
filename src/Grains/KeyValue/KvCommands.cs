using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.KeyValue;

/// <summary>
/// Builds the bytes of key-value commands, as proposed to a group's log. Encoding does not check
/// the limits: the state machine does, identically on every replica, and answers Rejected.
/// </summary>
public static class KvCommands
{
    /// <summary>Opens a session for <paramref name="clientId"/>; see <see cref="KvStateMachine"/>.</summary>
    public static byte[] RegisterClient(ByteString clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return new KvCommand { RegisterClient = new KvRegisterClient { ClientId = clientId } }.ToByteArray();
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>; with <paramref name="returnPrevious"/> the result carries the replaced value.</summary>
    /// <remarks>With <paramref name="fence"/> the put is applied only if no higher token has been seen for its lock.</remarks>
    public static byte[] Put(KvRequestId request, ByteString key, ByteString value, bool returnPrevious = false, KvFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var put = new KvPut { Request = request.Clone(), Key = key, Value = value, ReturnPrevious = returnPrevious, Fence = fence?.Clone() };
        return new KvCommand { Put = put }.ToByteArray();
    }

    /// <summary>Removes <paramref name="key"/>; with <paramref name="returnPrevious"/> the result carries the removed value.</summary>
    /// <remarks>With <paramref name="fence"/> the delete is applied only if no higher token has been seen for its lock.</remarks>
    public static byte[] Delete(KvRequestId request, ByteString key, bool returnPrevious = false, KvFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        var delete = new KvDelete { Request = request.Clone(), Key = key, ReturnPrevious = returnPrevious, Fence = fence?.Clone() };
        return new KvCommand { Delete = delete }.ToByteArray();
    }

    /// <summary>
    /// Replaces the value of <paramref name="key"/> only if it equals <paramref name="expected"/>
    /// (null: only if the key is absent). <paramref name="replacement"/> null deletes the key.
    /// </summary>
    /// <remarks>With <paramref name="fence"/> the write is applied only if no higher token has been seen for its lock.</remarks>
    public static byte[] CompareAndSet(KvRequestId request, ByteString key, ByteString? expected, ByteString? replacement, KvFence? fence = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        var cas = new KvCompareAndSet { Request = request.Clone(), Key = key, Fence = fence?.Clone() };
        if (expected is null)
        {
            cas.ExpectedAbsent = new KvAbsent();
        }
        else
        {
            cas.ExpectedValue = expected;
        }

        if (replacement is null)
        {
            cas.DeleteKey = new KvAbsent();
        }
        else
        {
            cas.NewValue = replacement;
        }

        return new KvCommand { CompareAndSet = cas }.ToByteArray();
    }

    /// <summary>Ends every session whose last applied request is below <paramref name="idleBefore"/>.</summary>
    public static byte[] ExpireSessions(LogIndex idleBefore) =>
        new KvCommand { ExpireSessions = new KvExpireSessions { IdleBeforeIndex = idleBefore.Value } }.ToByteArray();

    /// <summary>A fence: the lock's name (UTF-8) and the fencing token its lease was granted with.</summary>
    public static KvFence Fence(string lockName, ulong token)
    {
        ArgumentNullException.ThrowIfNull(lockName);
        return new KvFence { LockName = ByteString.CopyFromUtf8(lockName), Token = token };
    }

    /// <summary>
    /// A request id: the client id and the request's sequence number (from 1). With
    /// <paramref name="openSession"/> (only meaningful on sequence 1) the entry opens the client's
    /// session if it has none, so no separate <see cref="RegisterClient"/> is needed.
    /// </summary>
    public static KvRequestId Request(ByteString clientId, ulong sequence, bool openSession = false)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return new KvRequestId { ClientId = clientId, Sequence = sequence, OpenSession = openSession };
    }
}
