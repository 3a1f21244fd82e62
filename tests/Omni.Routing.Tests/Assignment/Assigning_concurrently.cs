using System.Collections.Concurrent;
using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Assigning_concurrently
{
    private const int Routers = 50;
    private static readonly string[] Kinds = ["voice", "webchat", "email", "whatsapp"];

    [Fact]
    public void Fifty_routers_on_one_pool_never_take_an_agent_past_capacity_nor_assign_a_conversation_twice()
    {
        var engine = new AssignmentEngine(new RoutingPolicy());
        var agents = Enumerable.Range(0, 40).Select(i => Given.Agent(i % 2 == 0 ? "general:5 billing:6" : "general:7")).ToArray();
        var pool = Given.Pool(agents);
        var waiting = Enumerable.Range(0, 2_000)
            .Select(i => Given.Conversation(i % 3 == 0 ? "billing:5" : "general:4", kind: Kinds[i % Kinds.Length], waited: TimeSpan.FromSeconds(i % 50)))
            .ToArray();
        var decisions = new ConcurrentBag<AssignmentDecision>();

        // Every router walks the same conversations from its own starting point, so they collide on the same agents and conversations.
        RunTogether(Routers, router =>
        {
            for (var i = 0; i < waiting.Length; i++)
                if (engine.TryAssign(waiting[(i + router * 40) % waiting.Length], pool, Given.Now) is { } decision) decisions.Add(decision);
        });

        Assert.Equal(decisions.Count, decisions.Select(d => d.Conversation.Id).Distinct().Count());
        Assert.Equal(decisions.Count, waiting.Count(c => c.IsClaimed));
        foreach (var agent in agents)
        {
            var held = decisions.Where(d => d.Agent == agent).Sum(d => d.Units);
            Assert.Equal(held, agent.Load);
            Assert.InRange(agent.Load, 0, agent.Capacity);
        }
        // Nothing left unassigned that some agent could still have taken.
        Assert.All(waiting.Where(c => !c.IsClaimed), c => Assert.Null(engine.TryAssign(c, pool, Given.Now)));
    }

    [Fact]
    public void Routers_and_agents_finishing_work_at_the_same_time_keep_every_load_equal_to_the_work_held()
    {
        var engine = new AssignmentEngine(new RoutingPolicy());
        var agents = Enumerable.Range(0, 10).Select(_ => Given.Agent()).ToArray();
        var pool = Given.Pool(agents);
        var waiting = Enumerable.Range(0, 5_000).Select(i => Given.Conversation(kind: Kinds[i % Kinds.Length])).ToArray();
        var held = new ConcurrentQueue<AssignmentDecision>();
        var assigned = 0;
        var overCapacitySeen = 0;

        RunTogether(Routers, router =>
        {
            for (var i = router; i < waiting.Length; i += Routers / 2)
            {
                if (engine.TryAssign(waiting[i], pool, Given.Now) is { } decision)
                {
                    Interlocked.Increment(ref assigned);
                    held.Enqueue(decision);
                }
                foreach (var agent in agents)
                    if (agent.Load > agent.Capacity) Interlocked.Increment(ref overCapacitySeen);
                // Half the routers also finish work, so capacity frees up while others reserve it.
                if (router % 2 == 0 && held.TryDequeue(out var done)) done.Agent.Release(done.Units);
            }
        });

        Assert.Equal(0, overCapacitySeen);
        Assert.Equal(assigned, waiting.Count(c => c.IsClaimed));
        foreach (var agent in agents)
            Assert.Equal(held.Where(d => d.Agent == agent).Sum(d => d.Units), agent.Load);
    }

    [Fact]
    public void A_conversation_is_claimed_exactly_once_however_many_threads_try()
    {
        var conversations = Enumerable.Range(0, 1_000).Select(_ => Given.Conversation()).ToArray();
        var claims = 0;

        RunTogether(Routers, _ =>
        {
            foreach (var c in conversations)
                if (c.TryClaim()) Interlocked.Increment(ref claims);
        });

        Assert.Equal(conversations.Length, claims);
    }

    [Fact]
    public void Reservations_on_one_agent_from_many_threads_stop_exactly_at_capacity()
    {
        var agent = Given.Agent(capacity: 1_000);
        var granted = 0;

        RunTogether(Routers, _ =>
        {
            for (var i = 0; i < 100; i++)
                if (agent.TryReserve(7)) Interlocked.Increment(ref granted);
        });

        Assert.Equal(1_000 / 7, granted);
        Assert.Equal(granted * 7, agent.Load);
    }

    private static void RunTogether(int threads, Action<int> work)
    {
        using var start = new Barrier(threads);
        var failures = new ConcurrentQueue<Exception>();
        var running = Enumerable.Range(0, threads).Select(n => new Thread(() =>
        {
            start.SignalAndWait();
            try { work(n); }
            catch (Exception e) { failures.Enqueue(e); }
        })).ToList();
        running.ForEach(t => t.Start());
        running.ForEach(t => t.Join());
        Assert.Empty(failures);
    }
}
