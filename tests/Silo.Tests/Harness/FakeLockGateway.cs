using Google.Protobuf;
using Synod.Consensus.Raft;
using Synod.Grains.Interfaces.Wire;
using Synod.Grains.Locks;
using Synod.Silo.Gateway;

namespace Synod.Silo.Tests.Harness;

/// <summary>
/// An <see cref="ILockGateway"/> over the real <see cref="LockStateMachine"/>, with a log index
/// that counts every command and a clock the test moves (<see cref="NowMs"/>), answered through the
/// silo's own result mapping (<see cref="GrainLockGateway.ToOutcome"/>). Thread-safe.
/// </summary>
internal sealed class FakeLockGateway : ILockGateway
{
    private readonly Lock _lock = new();
    private readonly LockStateMachine _machine = new();
    private ulong _index;
    private int _unavailableLeft;

    /// <summary>The leader time stamped on the next commands, in milliseconds.</summary>
    public ulong NowMs { get; set; } = 1000;

    /// <summary>Every call, in arrival order: operation and name.</summary>
    public List<(string Operation, string Name)> Calls { get; } = [];

    /// <summary>The next <paramref name="count"/> calls answer Unavailable without reaching the machine.</summary>
    public void UnavailableNext(int count)
    {
        lock (_lock)
        {
            _unavailableLeft = count;
        }
    }

    public Task<LockOutcome> AcquireAsync(string name, string owner, ulong ttlMs, CancellationToken cancellationToken) =>
        ApplyAsync("acquire", name, new LockCommand { Acquire = new LockAcquire { Name = Utf8(name), Owner = Utf8(owner), TtlMs = ttlMs } });

    public Task<LockOutcome> RenewAsync(string name, string owner, ulong token, ulong ttlMs, CancellationToken cancellationToken) =>
        ApplyAsync("renew", name, new LockCommand { Renew = new LockRenew { Name = Utf8(name), Owner = Utf8(owner), Token = token, TtlMs = ttlMs } });

    public Task<LockOutcome> ReleaseAsync(string name, string owner, ulong token, CancellationToken cancellationToken) =>
        ApplyAsync("release", name, new LockCommand { Release = new LockRelease { Name = Utf8(name), Owner = Utf8(owner), Token = token } });

    public Task<LockOutcome> GetAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Calls.Add(("get", name));
            var result = _machine.Query(Utf8(name).Span);
            return Task.FromResult(GrainLockGateway.ToOutcome(new ReplicaAnswer { Status = ReplicaAnswer.Types.Status.Ok, Result = result.ToByteString(), Index = _index }));
        }
    }

    private Task<LockOutcome> ApplyAsync(string operation, string name, LockCommand command)
    {
        lock (_lock)
        {
            Calls.Add((operation, name));
            if (_unavailableLeft > 0)
            {
                _unavailableLeft--;
                return Task.FromResult(GrainLockGateway.ToOutcome(null));
            }

            command.LeaderTimeMs = NowMs;
            _index++;
            var result = _machine.Apply(new LogIndex(_index), command.ToByteArray());
            return Task.FromResult(GrainLockGateway.ToOutcome(new ReplicaAnswer { Status = ReplicaAnswer.Types.Status.Ok, Result = result.ToByteString(), Index = _index }));
        }
    }

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);
}
