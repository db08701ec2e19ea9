using Synod.Cli;

return await SynodCommandLine.RunAsync(args).ConfigureAwait(false);
