using System.CommandLine;

namespace Synod.Cli.Commands;

/// <summary>
/// <c>synod kv cas KEY OLD NEW</c>: set KEY to NEW only if it is OLD. <c>--absent</c> takes the
/// place of OLD (KEY must not exist: <c>synod kv cas KEY --absent NEW</c>) and <c>--delete</c> the
/// place of NEW (<c>synod kv cas KEY OLD --delete</c>). Flags rather than a sentinel such as "-",
/// so every string remains a value.
/// </summary>
internal static class KvCompareAndSetCommand
{
    public static Command Create(Option<string[]> gateways)
    {
        var key = KvCommand.KeyArgument();
        var first = new Argument<string?>("OLD") { Description = "The value KEY must have (omit with --absent)", Arity = ArgumentArity.ZeroOrOne };
        var second = new Argument<string?>("NEW") { Description = "The value to set (omit with --delete)", Arity = ArgumentArity.ZeroOrOne };
        var absent = new Option<bool>("--absent") { Description = "KEY must not exist (instead of OLD)" };
        var delete = new Option<bool>("--delete") { Description = "Delete KEY (instead of setting NEW)" };
        var base64 = KvCommand.Base64Option("OLD and NEW are base64, and a mismatch prints the current value in base64");
        var fence = FenceOption.Create();
        var command = new Command("cas", "Compare-and-set: set KEY to NEW only if its value is OLD; prints OK, or exit code 1 and the current value if it is not")
        {
            key, first, second, absent, delete, base64, fence,
        };
        command.Validators.Add(result =>
        {
            var given = (result.GetValue(first) is null ? 0 : 1) + (result.GetValue(second) is null ? 0 : 1);
            var wanted = 2 - (result.GetValue(absent) ? 1 : 0) - (result.GetValue(delete) ? 1 : 0);
            if (given != wanted)
            {
                result.AddError($"cas takes KEY OLD NEW, with --absent in place of OLD and --delete in place of NEW: {wanted} value(s) here, not {given}");
            }
        });
        command.SetAction((parse, cancellationToken) => ClientCommand.RunAsync(parse, gateways, async (client, output, error, token) =>
        {
            var asBase64 = parse.GetValue(base64);
            var values = new Queue<string>(new[] { parse.GetValue(first), parse.GetValue(second) }.OfType<string>());
            var expected = parse.GetValue(absent) ? null : KvCommand.ValueBytes(values.Dequeue(), asBase64);
            var replacement = parse.GetValue(delete) ? null : KvCommand.ValueBytes(values.Dequeue(), asBase64);
            if ((!parse.GetValue(absent) && expected is null) || (!parse.GetValue(delete) && replacement is null))
            {
                await error.WriteLineAsync("synod: OLD or NEW is not valid base64").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var name = parse.GetValue(key)!;
            var result = parse.GetValue(fence) is { } guard
                ? await client.CompareAndSetAsync(name, expected, replacement, guard, token).ConfigureAwait(false)
                : await client.CompareAndSetAsync(name, expected, replacement, token).ConfigureAwait(false);
            if (result.Succeeded)
            {
                await output.WriteLineAsync("OK").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var now = result.Current switch
            {
                null => "absent",
                var current when asBase64 || System.Text.Unicode.Utf8.IsValid(current) => $"'{KvCommand.Display(current, asBase64)}'",
                var current => $"{current.Length} bytes that are not UTF-8 text (base64 '{Convert.ToBase64String(current)}')",
            };
            await error.WriteLineAsync($"synod: compare-and-set failed: '{name}' is {now}").ConfigureAwait(false);
            return ExitCodes.Negative;
        }, cancellationToken));
        return command;
    }
}
