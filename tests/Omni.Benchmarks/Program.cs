using BenchmarkDotNet.Running;
using Omni.Benchmarks.Wire;

// dotnet run -c Release --project tests/Omni.Benchmarks -- wire [--via api|twilio-sms] [--rates 100,200,400] [--seconds 15] [--warmup 20] [--identity-down]
// dotnet run -c Release --project tests/Omni.Benchmarks -- identity [--identities 1000000] [--rate 2000] [--seconds 20] [--people 10000]
// dotnet run -c Release --project tests/Omni.Benchmarks -- routing [--agents 5000] [--queues 200] [--seconds 10] [--routers 50] [--sim-hours 100] [--erlang-hours 2000] [--only throughput,concurrency,simulation]
// dotnet run -c Release --project tests/Omni.Benchmarks -- knowledge [--articles 100000] [--rate 50] [--seconds 60] [--warmup 15]
// dotnet run -c Release --project tests/Omni.Benchmarks -- code [BenchmarkDotNet options]
return args.FirstOrDefault() switch
{
    "wire" => await WireBenchmark.RunAsync(args[1..]),
    "identity" => await Omni.Benchmarks.Identity.IdentityBenchmark.RunAsync(args[1..]),
    "routing" => Omni.Benchmarks.Routing.RoutingBenchmark.Run(args[1..]),
    "knowledge" => await Omni.Benchmarks.Knowledge.KnowledgeBenchmark.RunAsync(args[1..]),
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
    Console.Error.WriteLine("usage: Omni.Benchmarks wire [--via api|twilio-sms] [--rates 100,200,400] [--seconds 15] [--warmup 20] [--identity-down] | identity [--identities N] [--rate R] | knowledge [--articles N] [--rate R] | routing [--agents N] [--seconds S] [--only throughput,concurrency,simulation] | code [BenchmarkDotNet options]");
    return 2;
}
