using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Weighing_capacity
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());

    [Fact]
    public void A_voice_call_takes_the_whole_agent()
    {
        var agent = Given.Agent();
        var pool = Given.Pool(agent);

        Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "voice"), pool, Given.Now));

        Assert.Equal(100, agent.Load);
        Assert.Null(_engine.TryAssign(Given.Conversation(kind: "email"), pool, Given.Now));
    }

    [Fact]
    public void A_voice_call_waits_for_an_agent_with_nothing_else_on()
    {
        var agent = Given.Agent();
        var pool = Given.Pool(agent);
        Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "email"), pool, Given.Now));

        Assert.Null(_engine.TryAssign(Given.Conversation(kind: "voice"), pool, Given.Now, out var why));
        Assert.Equal(NoAssignmentReason.NoneWithRoom, why?.Reason);
    }

    [Fact]
    public void Chats_and_emails_share_an_agent_up_to_capacity()
    {
        var agent = Given.Agent();
        var pool = Given.Pool(agent);

        Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "webchat"), pool, Given.Now));
        Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "webchat"), pool, Given.Now));
        Assert.Null(_engine.TryAssign(Given.Conversation(kind: "webchat"), pool, Given.Now));   // 102 > 100
        Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "email"), pool, Given.Now));
        Assert.Null(_engine.TryAssign(Given.Conversation(kind: "email"), pool, Given.Now));     // 108 > 100

        Assert.Equal(88, agent.Load);
    }

    [Fact]
    public void Weights_are_configurable_and_unknown_kinds_weigh_like_a_chat()
    {
        var policy = new RoutingPolicy { Weights = new() { ["Voice"] = 80, ["email"] = 10 } };

        Assert.Equal(80, policy.WeightOf("voice"));
        Assert.Equal(10, policy.WeightOf("EMAIL"));
        Assert.Equal(34, policy.WeightOf("carrier-pigeon"));
        Assert.Equal(34, new RoutingPolicy().WeightOf("instagram"));
    }

    [Fact]
    public void Never_reserves_past_capacity_even_after_capacity_is_lowered()
    {
        var agent = Given.Agent();
        Assert.True(agent.TryReserve(60));

        agent.Capacity = 50;

        Assert.False(agent.TryReserve(1));
        Assert.Equal(60, agent.Load);
        Assert.Equal(0, agent.FreeUnits);
    }

    [Fact]
    public void Releasing_frees_the_units_and_marks_the_agent_idle_once_nothing_is_left()
    {
        var agent = Given.Agent(idleSince: Given.Now.AddHours(-1));
        agent.TryReserve(34);
        agent.TryReserve(20);

        agent.Release(34, Given.Now.AddMinutes(1));
        Assert.Equal(Given.Now.AddHours(-1), agent.IdleSince);
        agent.Release(20, Given.Now.AddMinutes(2));

        Assert.Equal(0, agent.Load);
        Assert.Equal(Given.Now.AddMinutes(2), agent.IdleSince);
    }

    [Fact]
    public void Releasing_more_than_is_in_use_is_refused_and_changes_nothing()
    {
        var agent = Given.Agent();
        agent.TryReserve(20);

        Assert.Throws<InvalidOperationException>(() => agent.Release(34));
        Assert.Equal(20, agent.Load);
    }

    [Fact]
    public void Skill_levels_outside_one_to_ten_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkillRequirement("billing", 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkillRequirement("billing", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Given.Agent("billing:0"));
    }
}
