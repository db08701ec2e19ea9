using System.CommandLine;
using System.Text;

namespace Synod.Cli.Commands;

/// <summary><c>synod kv put|get|del|cas</c>: the replicated key-value store.</summary>
internal static class KvCommand
{
    public static Command Create()
    {
        var gateways = GatewayOption.Create();
        var kv = new Command("kv", "Read and write the replicated key-value store") { gateways };
        kv.Subcommands.Add(CreatePut(gateways));
        kv.Subcommands.Add(CreateGet(gateways));
        kv.Subcommands.Add(CreateDelete(gateways));
        kv.Subcommands.Add(KvCompareAndSetCommand.Create(gateways));
        return kv;
    }

    internal static Argument<string> KeyArgument()
    {
        var key = new Argument<string>("KEY") { Description = "The key: 1 to 1024 bytes of UTF-8; any text except '.' and '..'" };
        key.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is null or "" or "." or "..")
            {
                result.AddError("KEY must be non-empty and not '.' or '..'");
            }
        });
        return key;
    }

    internal static Option<bool> Base64Option(string description) => new("--base64") { Description = description };

    /// <summary>A value from the command line: UTF-8 text, or base64 with <c>--base64</c>; null when not valid base64.</summary>
    internal static byte[]? ValueBytes(string text, bool base64)
    {
        if (!base64)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>A value as printed: base64 when asked, else its UTF-8 text (the caller has checked that it is UTF-8).</summary>
    internal static string Display(byte[] value, bool base64) => base64 ? Convert.ToBase64String(value) : Encoding.UTF8.GetString(value);

    private static Command CreatePut(Option<string[]> gateways)
    {
        var key = KeyArgument();
        var value = new Argument<string>("VALUE") { Description = "The value: text (stored as UTF-8), or base64 with --base64; at most 1 MiB" };
        var base64 = Base64Option("VALUE is base64");
        var fence = FenceOption.Create();
        var command = new Command("put", "Set KEY to VALUE; prints OK") { key, value, base64, fence };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var bytes = ValueBytes(parse.GetValue(value)!, parse.GetValue(base64));
            if (bytes is null)
            {
                await error.WriteLineAsync("synod: VALUE is not valid base64").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (parse.GetValue(fence) is { } guard)
            {
                await client.PutAsync(parse.GetValue(key)!, bytes, guard, token).ConfigureAwait(false);
            }
            else
            {
                await client.PutAsync(parse.GetValue(key)!, bytes, token).ConfigureAwait(false);
            }

            await output.WriteLineAsync("OK").ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateGet(Option<string[]> gateways)
    {
        var key = KeyArgument();
        var base64 = Base64Option("Print the value in base64 (for binary values)");
        var command = new Command("get", "Print the value of KEY; exit code 1 if it is absent") { key, base64 };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var name = parse.GetValue(key)!;
            var value = await client.GetAsync(name, token).ConfigureAwait(false);
            if (value is null)
            {
                await error.WriteLineAsync($"synod: key '{name}' not found").ConfigureAwait(false);
                return ExitCodes.Negative;
            }

            if (!parse.GetValue(base64) && !System.Text.Unicode.Utf8.IsValid(value))
            {
                await error.WriteLineAsync($"synod: the value of '{name}' is {value.Length} bytes that are not UTF-8 text; use --base64").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            await output.WriteLineAsync(Display(value, parse.GetValue(base64))).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateDelete(Option<string[]> gateways)
    {
        var key = KeyArgument();
        var fence = FenceOption.Create();
        var command = new Command("del", "Delete KEY; prints OK, or exit code 1 if it was absent") { key, fence };
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var name = parse.GetValue(key)!;
            var existed = parse.GetValue(fence) is { } guard
                ? await client.DeleteAsync(name, guard, token).ConfigureAwait(false)
                : await client.DeleteAsync(name, token).ConfigureAwait(false);
            if (!existed)
            {
                await error.WriteLineAsync($"synod: key '{name}' not found").ConfigureAwait(false);
                return ExitCodes.Negative;
            }

            await output.WriteLineAsync("OK").ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
