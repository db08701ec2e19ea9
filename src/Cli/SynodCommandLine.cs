using System.CommandLine;
using Synod.Cli.Commands;

namespace Synod.Cli;

/// <summary>The <c>synod</c> command tree, built here so tests can run it in-process.</summary>
internal static class SynodCommandLine
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("synod — a consensus cluster for .NET");
        root.Subcommands.Add(KvCommand.Create());
        root.Subcommands.Add(LockCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(GroupCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(SimCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ChaosCommand.Create());
        return root;
    }

    /// <summary>Runs one command line; a usage error exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot().Parse(args);
        var exitCode = await parse.InvokeAsync(configuration ?? new InvocationConfiguration(), cancellationToken).ConfigureAwait(false);

        // System.CommandLine answers a parse error with 1, which is kept here for "absent" and "mismatch".
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exitCode;
    }
}
