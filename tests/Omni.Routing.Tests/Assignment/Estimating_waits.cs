using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Estimating_waits
{
    private static readonly Guid Queue = Guid.NewGuid();
    private readonly RoutingPolicy _policy = new();

    [Fact]
    public void Numbers_the_queue_by_priority_then_wait()
    {
        var estimator = new WaitEstimator(_policy);
        var late = Given.Conversation(waited: TimeSpan.FromSeconds(5), queue: Queue);
        var early = Given.Conversation(waited: TimeSpan.FromSeconds(50), queue: Queue);
        var urgent = Given.Conversation(priority: 3, waited: TimeSpan.FromSeconds(1), queue: Queue);

        var estimates = estimator.Estimate(Queue, [late, early, urgent], Given.Pool(FullAgent()), Given.Now);

        Assert.Equal([(urgent.Id, 1), (early.Id, 2), (late.Id, 3)], estimates.Select(e => (e.ConversationId, e.Position)));
    }

    [Fact]
    public void Uses_the_default_handle_time_on_a_cold_start()
    {
        var estimator = new WaitEstimator(_policy, new WaitEstimatorOptions { DefaultHandleTime = TimeSpan.FromMinutes(5) });
        var waiting = Enumerable.Range(0, 4).Select(i => Given.Conversation(kind: "voice", waited: TimeSpan.FromSeconds(10 - i), queue: Queue)).ToArray();

        var estimates = estimator.Estimate(Queue, waiting, Given.Pool(FullAgent(), FullAgent()), Given.Now);

        // Two agents each finishing a call every 300 s free one every 150 s: the k-th in line waits k × 150 s.
        Assert.Equal([150, 300, 450, 600], estimates.Select(e => Math.Round(e.ExpectedWait!.Value.TotalSeconds)));
    }

    [Fact]
    public void Learns_handle_times_from_what_it_observes()
    {
        var estimator = new WaitEstimator(_policy, new WaitEstimatorOptions { DefaultHandleTime = TimeSpan.FromMinutes(5), PriorWeight = 10 });
        for (var i = 0; i < 990; i++) estimator.RecordHandled(Queue, "voice", TimeSpan.FromSeconds(120), Given.Now.AddSeconds(-i));

        var handle = estimator.HandleTime(Queue, "voice", Given.Now).TotalSeconds;

        Assert.InRange(handle, 120, 125);
        Assert.Equal(300, estimator.HandleTime(Queue, "email", Given.Now).TotalSeconds);
        Assert.Equal(300, estimator.HandleTime(Queue, "voice", Given.Now.AddHours(3)).TotalSeconds);   // observations age out
    }

    [Fact]
    public void Observations_of_another_queue_inform_a_new_queue_of_the_same_kind()
    {
        var estimator = new WaitEstimator(_policy);
        for (var i = 0; i < 1_000; i++) estimator.RecordHandled(Guid.NewGuid(), "email", TimeSpan.FromSeconds(600), Given.Now);

        Assert.InRange(estimator.HandleTime(Queue, "email", Given.Now).TotalSeconds, 590, 600);
    }

    [Fact]
    public void Expects_no_wait_for_conversations_that_free_agents_can_take_now()
    {
        var estimator = new WaitEstimator(_policy);
        var waiting = Enumerable.Range(0, 3).Select(i => Given.Conversation(kind: "webchat", waited: TimeSpan.FromSeconds(3 - i), queue: Queue)).ToArray();

        var estimates = estimator.Estimate(Queue, waiting, Given.Pool(Given.Agent()), Given.Now);   // room for two chats

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero], estimates.Take(2).Select(e => e.ExpectedWait));
        Assert.True(estimates[2].ExpectedWait > TimeSpan.Zero);
    }

    [Fact]
    public void Has_no_estimate_when_nobody_online_serves_the_queue()
    {
        var estimator = new WaitEstimator(_policy);
        var waiting = new[] { Given.Conversation("german:5", queue: Queue), Given.Conversation("german:5", queue: Queue) };

        var nobody = estimator.Estimate(Queue, waiting, Given.Pool(Given.Agent("english:9")), Given.Now);
        var away = estimator.Estimate(Queue, waiting, Given.Pool(Given.Agent("german:9", presence: Presence.Away)), Given.Now);

        Assert.All(nobody.Concat(away), e => Assert.Null(e.ExpectedWait));
        Assert.Equal([1, 2], nobody.Select(e => e.Position));
    }

    [Fact]
    public void Follows_the_rate_the_queue_actually_drained_at_when_agents_are_shared_with_other_queues()
    {
        var estimator = new WaitEstimator(_policy, new WaitEstimatorOptions { DefaultHandleTime = TimeSpan.FromMinutes(5), PriorWeight = 2 });
        var pool = Given.Pool(FullAgent(), FullAgent());
        var waiting = new[] { Given.Conversation(kind: "voice", queue: Queue) };
        var fromCapacity = estimator.Estimate(Queue, waiting, pool, Given.Now)[0].ExpectedWait!.Value;

        // The last 20 minutes had a line the whole time, and it moved one conversation every 600 s, not every 150 s.
        for (var minute = 0; minute <= 20; minute += 10)
            estimator.RecordAssigned(Queue, TimeSpan.FromMinutes(10), Given.Now.AddMinutes(minute - 20));
        var observed = estimator.Estimate(Queue, waiting, pool, Given.Now)[0].ExpectedWait!.Value;

        Assert.Equal(150, fromCapacity.TotalSeconds, 1);
        Assert.True(observed > fromCapacity * 2, $"expected the observed slow drain to lengthen the estimate, got {observed}");
    }

    private static AgentState FullAgent()
    {
        var agent = Given.Agent();
        agent.TryReserve(100);
        return agent;
    }
}
