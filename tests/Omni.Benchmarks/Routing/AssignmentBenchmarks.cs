extern alias routing;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using routing::Omni.Routing.Assignment;

namespace Omni.Benchmarks.Routing;

/// <summary>
/// One assignment decision on a centre of 5,000 agents and 200 queues, three quarters of its capacity in use.
/// Baseline: the same rules checked agent by agent without the index (<see cref="LinearScanRouter"/>); round robin for
/// reference. Each invocation assigns a fresh conversation and releases it again, so every one sees the same state.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class AssignmentBenchmarks
{
    private WaitingConversation[] _stream = [];
    private IRouter _omni = null!;
    private IRouter _linear = null!;
    private IRouter _roundRobin = null!;
    private DateTimeOffset _now;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var workload = new RoutingWorkload(5_000, 200, 20261125);
        var policy = new RoutingPolicy();
        var engine = new AssignmentEngine(policy);
        _now = workload.Now;
        _omni = Loaded(new OmniRouter(engine, workload.NewPool()), workload);
        _linear = Loaded(new LinearScanRouter(engine, workload.NewStates()), workload);
        _roundRobin = Loaded(new RoundRobinRouter(policy, workload.NewStates()), workload);
        _stream = workload.Conversations(4_096, 7);
    }

    [Benchmark(Baseline = true)]
    public AssignmentDecision? LinearScan() => Decide(_linear);

    [Benchmark]
    public AssignmentDecision? Engine() => Decide(_omni);

    [Benchmark]
    public AssignmentDecision? RoundRobin() => Decide(_roundRobin);

    private AssignmentDecision? Decide(IRouter router)
    {
        var c = RoutingWorkload.Copy(_stream[_next++ & (_stream.Length - 1)]);
        var decision = router.TryAssign(c, _now);
        decision?.Agent.Release(decision.Units);
        return decision;
    }

    private static IRouter Loaded(IRouter router, RoutingWorkload workload)
    {
        var units = workload.Agents.Where(a => a.Presence == Presence.Online).Sum(a => a.Capacity);
        var target = (int)(0.75 * units / 50.0);
        var assigned = 0;
        foreach (var c in workload.Conversations(target * 2, 3))
        {
            if (assigned >= target) break;
            if (router.TryAssign(c, workload.Now) is not null) assigned++;
        }
        return router;
    }
}
