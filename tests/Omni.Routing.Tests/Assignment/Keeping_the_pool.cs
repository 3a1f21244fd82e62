using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Keeping_the_pool
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());

    [Fact]
    public void Finds_an_agent_by_the_skills_they_have_now()
    {
        var agent = Given.Agent("sales:5");
        var pool = Given.Pool(agent);
        Assert.Null(_engine.TryAssign(Given.Conversation("billing:5"), pool, Given.Now));

        agent.Skills = Given.Skills("billing:6");

        Assert.Same(agent, _engine.TryAssign(Given.Conversation("billing:5"), pool, Given.Now)?.Agent);
        Assert.Null(_engine.TryAssign(Given.Conversation("sales:1"), pool, Given.Now));
        Assert.Equal([agent], pool.WithSkills(Given.Requirements("BILLING:6")));
    }

    [Fact]
    public void A_removed_agent_gets_no_more_work()
    {
        var agent = Given.Agent();
        var pool = Given.Pool(agent);
        Assert.NotNull(_engine.TryAssign(Given.Conversation(), pool, Given.Now));

        Assert.True(pool.Remove(agent.Id));

        Assert.Null(_engine.TryAssign(Given.Conversation(), pool, Given.Now));
        Assert.Null(pool.Get(agent.Id));
        Assert.Empty(pool.All);
        Assert.False(pool.Remove(agent.Id));
    }

    [Fact]
    public void Upserting_an_agent_again_replaces_them()
    {
        var before = Given.Agent("sales:5");
        var pool = Given.Pool(before);
        var after = new AgentState { Id = before.Id, Skills = Given.Skills("billing:5"), Presence = Presence.Online };

        pool.Upsert(after);

        Assert.Same(after, Assert.Single(pool.All));
        Assert.Empty(pool.WithSkills(Given.Requirements("sales:1")));
        before.Skills = Given.Skills("billing:9");      // the replaced state no longer belongs to the pool
        Assert.Equal([after], pool.WithSkills(Given.Requirements("billing:1")));
    }

    [Fact]
    public void An_agent_belongs_to_one_pool_at_a_time()
    {
        var agent = Given.Agent();
        Given.Pool(agent);

        Assert.Throws<InvalidOperationException>(() => Given.Pool(agent));
    }

    [Fact]
    public void Matches_every_requirement_not_just_the_rarest()
    {
        var both = Given.Agent("dutch:6 billing:8");
        var dutchOnly = Given.Agent("dutch:9");
        var billingTooLow = Given.Agent("dutch:9 billing:2");
        var pool = Given.Pool(both, dutchOnly, billingTooLow, Given.Agent("english:5"));

        Assert.Equal([both], pool.WithSkills(Given.Requirements("billing:3 dutch:5")));
        Assert.Equal(4, pool.WithSkills([]).Count);
    }
}
