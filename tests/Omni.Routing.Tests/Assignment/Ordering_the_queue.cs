using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Ordering_the_queue
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());

    [Fact]
    public void Serves_higher_priority_first_then_the_longest_waiting()
    {
        var recentUrgent = Given.Conversation(kind: "voice", priority: 5, waited: TimeSpan.FromSeconds(5));
        var oldNormal = Given.Conversation(kind: "voice", waited: TimeSpan.FromSeconds(25));
        var recentNormal = Given.Conversation(kind: "voice", waited: TimeSpan.FromSeconds(10));
        var oldUrgent = Given.Conversation(kind: "voice", priority: 5, waited: TimeSpan.FromSeconds(20));
        var pool = Given.Pool(Given.Agent(), Given.Agent(), Given.Agent());

        var decisions = _engine.AssignAll([recentNormal, recentUrgent, oldNormal, oldUrgent], pool, Given.Now);

        Assert.Equal([oldUrgent, recentUrgent, oldNormal], decisions.Select(d => d.Conversation));
        Assert.False(recentNormal.IsClaimed);
    }

    [Fact]
    public void A_conversation_nobody_can_take_does_not_hold_up_the_ones_behind_it()
    {
        var needsGerman = Given.Conversation("german:8", waited: TimeSpan.FromSeconds(20));
        var needsEnglish = Given.Conversation("english:3", waited: TimeSpan.FromSeconds(5));
        var pool = Given.Pool(Given.Agent("english:6"));

        var decisions = _engine.AssignAll([needsGerman, needsEnglish], pool, Given.Now);

        Assert.Equal([needsEnglish], decisions.Select(d => d.Conversation));
    }

    [Fact]
    public void Assigns_until_every_agent_is_full_and_leaves_the_rest_waiting()
    {
        var agents = new[] { Given.Agent(), Given.Agent() };
        var waiting = Enumerable.Range(0, 20).Select(i => Given.Conversation(kind: "email", waited: TimeSpan.FromSeconds(i))).ToArray();

        var decisions = _engine.AssignAll(waiting, Given.Pool(agents), Given.Now);

        Assert.Equal(10, decisions.Count);              // 5 e-mails of 20 units each per agent
        Assert.All(agents, a => Assert.Equal(100, a.Load));
        Assert.Equal(waiting.OrderByDescending(c => Given.Now - c.QueuedAt).Take(10), decisions.Select(d => d.Conversation));
    }

    [Fact]
    public void Skips_conversations_already_assigned()
    {
        var assigned = Given.Conversation(waited: TimeSpan.FromMinutes(1));
        assigned.TryClaim();
        var next = Given.Conversation();

        var decisions = _engine.AssignAll([assigned, next], Given.Pool(Given.Agent()), Given.Now);

        Assert.Equal([next], decisions.Select(d => d.Conversation));
    }
}
