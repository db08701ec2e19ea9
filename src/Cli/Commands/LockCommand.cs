using System.CommandLine;
using System.Globalization;
using Synod.Client;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>synod lock acquire|renew|release|get</c>: the lock and lease service. <c>acquire</c> prints
/// the lease as lines <c>token T</c>, <c>owner O</c>, <c>expires_at_ms E</c>, <c>max_clock_drift_ms D</c>;
/// without <c>--owner</c> it takes the lock as host:pid:random, which <c>renew</c> and
/// <c>release</c> (another process) must then be given with <c>--owner</c>.
/// </summary>
internal static class LockCommand
{
    public static Command Create()
    {
        var gateways = GatewayOption.Create();
        var command = new Command("lock", "Acquire, renew and release leases on named locks; each grant carries a fencing token") { gateways };
        command.Subcommands.Add(CreateAcquire(gateways));
        command.Subcommands.Add(CreateRenew(gateways));
        command.Subcommands.Add(CreateRelease(gateways));
        command.Subcommands.Add(CreateGet(gateways));
        return command;
    }

    private static Argument<string> NameArgument()
    {
        var name = new Argument<string>("NAME") { Description = "The lock: 1 to 256 bytes of UTF-8; any text except '.' and '..'" };
        name.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is null or "" or "." or "..")
            {
                result.AddError("NAME must be non-empty and not '.' or '..'");
            }
        });
        return name;
    }

    private static Option<TimeSpan?> TtlOption(bool required, string description) => new("--ttl")
    {
        Description = description,
        Required = required,
        CustomParser = result =>
        {
            var lease = Durations.Parse(result);
            if (lease > TimeSpan.FromMinutes(10))
            {
                result.AddError($"--ttl {lease} is longer than the 10 minutes a lease may last");
            }

            return lease;
        },
    };

    private static Option<string?> OwnerOption(bool required) => new("--owner")
    {
        Description = required
            ? "The owner the lock was acquired as (acquire printed it)"
            : "Who takes the lock; unique among its users (default: host:pid:random, printed; renew and release need it)",
        Required = required,
    };

    private static Option<ulong> TokenOption()
    {
        var token = new Option<ulong>("--token") { Description = "The fencing token acquire printed", Required = true };
        token.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<ulong>() == 0)
            {
                result.AddError("--token must be a fencing token from 1");
            }
        });
        return token;
    }

    private static Command CreateAcquire(Option<string[]> gateways)
    {
        var name = NameArgument();
        var ttl = TtlOption(required: true, "The lease, for example 10s (1 ms to 10 minutes); renew before it runs out");
        var owner = OwnerOption(required: false);
        var command = new Command("acquire", "Take NAME for --ttl; prints the fencing token, owner and expiry, or exit code 1 and the holder if it is held") { name, ttl, owner };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var lockName = parse.GetValue(name)!;
            var attempt = await client.AcquireLockAsync(lockName, parse.GetValue(owner) ?? client.LockOwner, parse.GetValue(ttl)!.Value, token).ConfigureAwait(false);
            if (attempt.Lease is not { } lease)
            {
                await error.WriteLineAsync(Busy(lockName, attempt.Holder!)).ConfigureAwait(false);
                return ExitCodes.Negative;
            }

            await PrintAsync(output, lease).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRenew(Option<string[]> gateways)
    {
        var name = NameArgument();
        var ttl = TtlOption(required: false, "The new lease from now (default: the ttl it was granted with)");
        var owner = OwnerOption(required: true);
        var tokenOption = TokenOption();
        var command = new Command("renew", "Extend the lease held with --owner and --token; prints it, or exit code 1 if the lease is lost") { name, tokenOption, owner, ttl };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var lockName = parse.GetValue(name)!;
            var lease = await client.RenewLockAsync(lockName, parse.GetValue(owner)!, parse.GetValue(tokenOption), parse.GetValue(ttl), token).ConfigureAwait(false);
            if (lease is null)
            {
                await error.WriteLineAsync(Lost(lockName)).ConfigureAwait(false);
                return ExitCodes.Negative;
            }

            await PrintAsync(output, lease).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRelease(Option<string[]> gateways)
    {
        var name = NameArgument();
        var owner = OwnerOption(required: true);
        var tokenOption = TokenOption();
        var command = new Command("release", "Free NAME held with --owner and --token; prints OK, or exit code 1 if the lease was already lost") { name, tokenOption, owner };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var lockName = parse.GetValue(name)!;
            if (!await client.ReleaseLockAsync(lockName, parse.GetValue(owner)!, parse.GetValue(tokenOption), token).ConfigureAwait(false))
            {
                await error.WriteLineAsync(Lost(lockName)).ConfigureAwait(false);
                return ExitCodes.Negative;
            }

            await output.WriteLineAsync("OK").ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateGet(Option<string[]> gateways)
    {
        var name = NameArgument();
        var command = new Command("get", "Print who holds NAME (token, owner, expiry), or 'free'") { name };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var holder = await client.GetLockAsync(parse.GetValue(name)!, token).ConfigureAwait(false);
            if (holder is null)
            {
                await output.WriteLineAsync("free").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync(Lines(holder.Token, holder.Owner, holder.ExpiresAtMs, holder.MaxClockDriftMs)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Task PrintAsync(TextWriter output, SynodLease lease) =>
        output.WriteLineAsync(Lines(lease.Token, lease.Owner, lease.ExpiresAtMs, lease.MaxClockDriftMs));

    private static string Lines(ulong token, string owner, ulong expiresAtMs, ulong maxClockDriftMs) =>
        string.Create(CultureInfo.InvariantCulture, $"token {token}\nowner {owner}\nexpires_at_ms {expiresAtMs}\nmax_clock_drift_ms {maxClockDriftMs}");

    private static string Busy(string name, SynodLockHolder holder) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"synod: lock '{name}' is held by '{holder.Owner}' with token {holder.Token} until expires_at_ms {holder.ExpiresAtMs} (+ {holder.MaxClockDriftMs} ms drift; the lock group's clock is at {holder.NowMs})");

    private static string Lost(string name) => $"synod: the lease on '{name}' is lost (expired, released, or granted to another owner)";
}
