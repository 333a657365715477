using BenchmarkDotNet.Running;

// Run all benchmarks:   dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*'
// Run one area:         dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*Asl*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
