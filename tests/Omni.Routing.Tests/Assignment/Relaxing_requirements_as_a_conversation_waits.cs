using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Relaxing_requirements_as_a_conversation_waits
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());   // 30 s → 2, 60 s → 4, 120 s → 9

    [Theory]
    [InlineData(0, 8, 3)]
    [InlineData(29, 8, 3)]
    [InlineData(30, 6, 1)]
    [InlineData(59, 6, 1)]
    [InlineData(60, 4, 1)]
    [InlineData(119, 4, 1)]
    [InlineData(120, 1, 1)]
    [InlineData(3600, 1, 1)]
    public void Drops_the_levels_step_by_step_and_never_below_one(int waitedSeconds, int billing, int dutch)
    {
        var c = Given.Conversation("billing:8 dutch:3", waited: TimeSpan.FromSeconds(waitedSeconds));

        var effective = _engine.EffectiveRequirements(c, Given.Now);

        Assert.Equal([new SkillRequirement("billing", billing), new SkillRequirement("dutch", dutch)], effective);
    }

    [Fact]
    public void A_less_skilled_agent_gets_the_conversation_once_it_has_waited_long_enough()
    {
        var junior = Given.Agent("billing:4");
        var pool = Given.Pool(junior);
        var c = Given.Conversation("billing:8", kind: "voice");

        Assert.Null(_engine.TryAssign(c, pool, Given.Now.AddSeconds(30)));    // needs 6
        Assert.Null(_engine.TryAssign(c, pool, Given.Now.AddSeconds(59)));
        Assert.Same(junior, _engine.TryAssign(c, pool, Given.Now.AddSeconds(60))?.Agent);  // needs 4
    }

    [Fact]
    public void Prefers_the_agent_closest_to_the_level_asked_for_once_relaxed()
    {
        var novice = Given.Agent("billing:2", idleSince: Given.Now.AddHours(-1));
        var nearly = Given.Agent("billing:7", idleSince: Given.Now);
        var c = Given.Conversation("billing:9", kind: "voice", waited: TimeSpan.FromMinutes(5));

        Assert.Same(nearly, _engine.TryAssign(c, Given.Pool(novice, nearly), Given.Now)?.Agent);
    }

    [Fact]
    public void Tells_when_the_next_step_starts()
    {
        var c = Given.Conversation("billing:8", waited: TimeSpan.FromSeconds(10));

        Assert.Equal(c.QueuedAt.AddSeconds(30), _engine.NextChangeAt(c, Given.Now));
        Assert.Equal(c.QueuedAt.AddSeconds(60), _engine.NextChangeAt(c, c.QueuedAt.AddSeconds(30)));
        Assert.Null(_engine.NextChangeAt(c, c.QueuedAt.AddSeconds(120)));
    }

    [Fact]
    public void Steps_are_configurable()
    {
        var engine = new AssignmentEngine(new RoutingPolicy { Bullseye = [new(TimeSpan.FromSeconds(10), 1)] });
        var c = Given.Conversation("billing:8", waited: TimeSpan.FromSeconds(15));

        Assert.Equal([new SkillRequirement("billing", 7)], engine.EffectiveRequirements(c, Given.Now));
        Assert.Equal([new SkillRequirement("billing", 7)], engine.EffectiveRequirements(c, Given.Now.AddHours(1)));
    }
}
