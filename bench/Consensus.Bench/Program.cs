using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Synod.Consensus.Bench.RaftCommitBenchmarks).Assembly).Run(args);
