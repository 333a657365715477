using BenchmarkDotNet.Running;
using Hybrid.Benchmarks.Durable;

// Run all benchmarks:   dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*'
// Run one area:         dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*Asl*'
// CPU per execution:    dotnet run -c Release --project bench/Hybrid.Benchmarks -- cpu [seconds] [text in a case label]
// One at a time:        dotnet run -c Release --project bench/Hybrid.Benchmarks -- one [seconds] [text in a case label]
if (args is ["cpu" or "one", .. var rest])
{
    await CpuPerExecution.RunAsync(rest, oneAtATime: args[0] == "one");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
