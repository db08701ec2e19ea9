using System.CommandLine;
using Synod.Cli.Commands;

var root = new RootCommand("synod — a consensus cluster for .NET");
root.Subcommands.Add(SimCommand.Create());
return root.Parse(args).Invoke();
