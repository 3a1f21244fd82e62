using Omni.Routing.Assignment;
using Xunit;

namespace Omni.Routing.Tests.Assignment;

public sealed class Choosing_an_agent
{
    private readonly AssignmentEngine _engine = new(new RoutingPolicy());

    [Fact]
    public void Offers_work_only_to_an_online_agent_with_every_skill_at_the_level_asked_for()
    {
        var away = Given.Agent("billing:9 dutch:9", presence: Presence.Away);
        var offline = Given.Agent("billing:9 dutch:9", presence: Presence.Offline);
        var lacksDutch = Given.Agent("billing:9");
        var tooJunior = Given.Agent("billing:4 dutch:9");
        var full = Given.Agent("billing:9 dutch:9", capacity: 20);
        var eligible = Given.Agent("billing:5 dutch:3");
        var pool = Given.Pool(away, offline, lacksDutch, tooJunior, full, eligible);

        var decision = _engine.TryAssign(Given.Conversation("billing:5 dutch:3", kind: "webchat"), pool, Given.Now);

        Assert.NotNull(decision);
        Assert.Same(eligible, decision.Agent);
        Assert.Equal(34, decision.Units);
        Assert.Equal(34, eligible.Load);
    }

    [Fact]
    public void Skips_agents_who_let_an_offer_of_the_conversation_lapse_or_declined_it()
    {
        var lapsed = Given.Agent(idleSince: Given.Now.AddHours(-1));
        var declined = Given.Agent(idleSince: Given.Now.AddHours(-1));
        var other = Given.Agent(idleSince: Given.Now);
        var pool = Given.Pool(lapsed, declined, other);

        var decision = _engine.TryAssign(Given.Conversation(excluded: new HashSet<Guid> { lapsed.Id, declined.Id }), pool, Given.Now);

        Assert.Same(other, decision?.Agent);
    }

    [Fact]
    public void Says_why_nobody_took_the_conversation()
    {
        var engine = _engine;
        NoAssignmentReason? Why(AgentPool pool, WaitingConversation c)
        {
            Assert.Null(engine.TryAssign(c, pool, Given.Now, out var why));
            return why?.Reason;
        }

        Assert.Equal(NoAssignmentReason.NoAgentWithSkills, Why(Given.Pool(Given.Agent("sales:9")), Given.Conversation("billing:1")));
        Assert.Equal(NoAssignmentReason.NoneOnline, Why(Given.Pool(Given.Agent("billing:9", presence: Presence.Away)), Given.Conversation("billing:1")));
        Assert.Equal(NoAssignmentReason.NoneWithRoom, Why(Given.Pool(Given.Agent("billing:9", capacity: 30)), Given.Conversation("billing:1", kind: "webchat")));

        var claimed = Given.Conversation("billing:1");
        claimed.TryClaim();
        Assert.Equal(NoAssignmentReason.AlreadyClaimed, Why(Given.Pool(Given.Agent("billing:9")), claimed));
    }

    [Fact]
    public void Prefers_the_lowest_load_then_the_closest_fit_to_the_levels_asked_for_then_the_longest_idle()
    {
        var busyExpert = Given.Agent("billing:6", idleSince: Given.Now.AddHours(-2));
        busyExpert.TryReserve(20);
        var overqualified = Given.Agent("billing:10", idleSince: Given.Now.AddHours(-1));
        var exactRecentlyIdle = Given.Agent("billing:6", idleSince: Given.Now.AddMinutes(-1));
        var exactLongIdle = Given.Agent("billing:6", idleSince: Given.Now.AddMinutes(-30));
        var pool = Given.Pool(busyExpert, overqualified, exactRecentlyIdle, exactLongIdle);

        var chosen = Enumerable.Range(0, 4)
            .Select(_ => _engine.TryAssign(Given.Conversation("billing:6", kind: "webchat"), pool, Given.Now)!.Agent)
            .ToArray();

        // Load ratios 0, 0, 0, 0.2: the three idle ones first, the exact fits before the one over-qualified, the longest idle first.
        Assert.Equal([exactLongIdle, exactRecentlyIdle, overqualified, busyExpert], chosen);
    }

    [Fact]
    public void Spreads_chats_over_agents_before_giving_anyone_a_second()
    {
        var agents = Enumerable.Range(0, 3).Select(_ => Given.Agent()).ToArray();
        var pool = Given.Pool(agents);

        for (var i = 0; i < 3; i++) Assert.NotNull(_engine.TryAssign(Given.Conversation(kind: "webchat"), pool, Given.Now));

        Assert.All(agents, a => Assert.Equal(34, a.Load));
    }

    [Fact]
    public void Explains_the_decision_for_the_log()
    {
        var agent = Given.Agent("billing:5");
        var decision = _engine.TryAssign(Given.Conversation("billing:7", waited: TimeSpan.FromSeconds(45)), Given.Pool(agent), Given.Now);

        Assert.NotNull(decision);
        Assert.Contains(agent.Id.ToString(), decision.Reason);
        Assert.Contains("billing≥5", decision.Reason);   // the effective requirement after relaxing by 2
        Assert.Contains("asked billing≥7", decision.Reason);
    }
}
