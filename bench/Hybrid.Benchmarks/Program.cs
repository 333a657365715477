using BenchmarkDotNet.Running;
using Hybrid.Benchmarks.Durable;

// Run all benchmarks:   dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*'
// Run one area:         dotnet run -c Release --project bench/Hybrid.Benchmarks -- --filter '*Asl*'
// CPU per execution:    dotnet run -c Release --project bench/Hybrid.Benchmarks -- cpu [seconds] [text in a case label]
if (args is ["cpu", .. var rest])
{
    await CpuPerExecution.RunAsync(rest);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
