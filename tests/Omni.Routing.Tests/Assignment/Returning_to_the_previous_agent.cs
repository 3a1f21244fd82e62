using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Returning_to_the_previous_agent
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());   // holds for 60 s

    [Fact]
    public void Goes_back_to_the_previous_agent_when_they_have_room_even_if_another_fits_better()
    {
        var previous = Given.Agent("billing:9");
        previous.TryReserve(34);
        var idleExactFit = Given.Agent("billing:5", idleSince: Given.Now.AddHours(-3));
        var c = Given.Conversation("billing:5", previousAgent: previous.Id);

        var decision = _engine.TryAssign(c, Given.Pool(previous, idleExactFit), Given.Now);

        Assert.Same(previous, decision?.Agent);
        Assert.Contains("previous agent", decision!.Reason);
    }

    [Fact]
    public void Holds_the_conversation_for_a_full_previous_agent_within_the_window_then_gives_it_to_another()
    {
        var previous = Given.Agent();
        previous.TryReserve(100);
        var other = Given.Agent();
        var pool = Given.Pool(previous, other);
        var c = Given.Conversation(kind: "voice", previousAgent: previous.Id);

        Assert.Null(_engine.TryAssign(c, pool, Given.Now.AddSeconds(59), out var why));
        Assert.Equal(NoAssignmentReason.HeldForPreviousAgent, why?.Reason);
        Assert.Equal(c.QueuedAt.AddSeconds(60), _engine.NextChangeAt(c, Given.Now.AddSeconds(45)));

        Assert.Same(other, _engine.TryAssign(c, pool, Given.Now.AddSeconds(60))?.Agent);
    }

    [Fact]
    public void The_previous_agent_gets_it_when_they_free_up_within_the_window()
    {
        var previous = Given.Agent();
        previous.TryReserve(100);
        var pool = Given.Pool(previous, Given.Agent());
        var c = Given.Conversation(kind: "voice", previousAgent: previous.Id);
        Assert.Null(_engine.TryAssign(c, pool, Given.Now.AddSeconds(20)));

        previous.Release(100);

        Assert.Same(previous, _engine.TryAssign(c, pool, Given.Now.AddSeconds(40))?.Agent);
    }

    [Theory]
    [InlineData(Presence.Away)]
    [InlineData(Presence.Offline)]
    public void Does_not_wait_for_a_previous_agent_who_is_not_online(Presence presence)
    {
        var previous = Given.Agent(presence: presence);
        var other = Given.Agent();
        var c = Given.Conversation(previousAgent: previous.Id);

        Assert.Same(other, _engine.TryAssign(c, Given.Pool(previous, other), Given.Now)?.Agent);
    }

    [Fact]
    public void Does_not_wait_for_a_previous_agent_who_let_the_offer_lapse()
    {
        var previous = Given.Agent();
        var other = Given.Agent();
        var c = Given.Conversation(previousAgent: previous.Id, excluded: new HashSet<Guid> { previous.Id });

        Assert.Same(other, _engine.TryAssign(c, Given.Pool(previous, other), Given.Now)?.Agent);
    }

    [Fact]
    public void Does_not_wait_for_a_previous_agent_without_the_skills_the_queue_asks_for()
    {
        var previous = Given.Agent("sales:9");
        previous.TryReserve(100);
        var other = Given.Agent("billing:5");
        var c = Given.Conversation("billing:5", kind: "voice", previousAgent: previous.Id);

        Assert.Same(other, _engine.TryAssign(c, Given.Pool(previous, other), Given.Now)?.Agent);
    }
}
