using BenchmarkDotNet.Running;
using Omni.Benchmarks.Wire;

// dotnet run -c Release --project tests/Omni.Benchmarks -- wire [--rates 100,200,400] [--seconds 15]
// dotnet run -c Release --project tests/Omni.Benchmarks -- identity [--identities 1000000] [--rate 2000] [--seconds 20] [--people 10000]
// dotnet run -c Release --project tests/Omni.Benchmarks -- code [BenchmarkDotNet options]
return args.FirstOrDefault() switch
{
    "wire" => await WireBenchmark.RunAsync(args[1..]),
    "identity" => await Omni.Benchmarks.Identity.IdentityBenchmark.RunAsync(args[1..]),
    "code" => RunCodeBenchmarks(args[1..]),
    _ => Usage(),
};

static int RunCodeBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(WireBenchmark).Assembly).Run(args);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Omni.Benchmarks wire [--rates 100,200,400] [--seconds 15] | identity [--identities N] [--rate R] | code [BenchmarkDotNet options]");
    return 2;
}
