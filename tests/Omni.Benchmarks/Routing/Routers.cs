extern alias routing;

using routing::Omni.Routing.Assignment;

namespace Omni.Benchmarks.Routing;

/// <summary>One way of giving waiting conversations to agents, so Omni's engine and the baselines run the same code around them.</summary>
internal interface IRouter
{
    string Name { get; }

    AssignmentDecision? TryAssign(WaitingConversation c, DateTimeOffset now);

    /// <summary>Priority then longest wait, like the engine, so only the choice of agent differs.</summary>
    IReadOnlyList<AssignmentDecision> AssignAll(IEnumerable<WaitingConversation> waiting, DateTimeOffset now)
    {
        var ordered = waiting.Where(c => !c.IsClaimed).ToArray();
        Array.Sort(ordered, AssignmentEngine.QueueOrder);
        var decisions = new List<AssignmentDecision>();
        foreach (var c in ordered)
            if (TryAssign(c, now) is { } decision) decisions.Add(decision);
        return decisions;
    }
}

/// <summary>Omni's engine on its indexed pool.</summary>
internal sealed class OmniRouter(AssignmentEngine engine, AgentPool pool) : IRouter
{
    public string Name => "Omni engine";

    public AssignmentDecision? TryAssign(WaitingConversation c, DateTimeOffset now) => engine.TryAssign(c, pool, now);

    public IReadOnlyList<AssignmentDecision> AssignAll(IEnumerable<WaitingConversation> waiting, DateTimeOffset now) => engine.AssignAll(waiting, pool, now);
}

/// <summary>
/// Baseline for speed: the engine's rules and choice of agent (previous agent, bullseye, lowest load ratio, closest fit,
/// longest idle) checked agent by agent over all agents on every decision, without the index. It should choose the same
/// agents as the engine; the benchmark checks that it does.
/// </summary>
internal sealed class LinearScanRouter(AssignmentEngine engine, AgentState[] agents) : IRouter
{
    private readonly Dictionary<Guid, AgentState> _byId = agents.ToDictionary(a => a.Id);

    public string Name => "linear scan (same rules, no index)";

    public AssignmentDecision? TryAssign(WaitingConversation c, DateTimeOffset now)
    {
        var policy = engine.Policy;
        var units = policy.WeightOf(c.ChannelKind);
        var required = engine.EffectiveRequirements(c, now);
        if (c.PreviousAgentId is { } previousId && !c.Excluded.Contains(previousId)
            && _byId.TryGetValue(previousId, out var previous) && previous.Presence == Presence.Online && Meets(previous, required))
        {
            if (previous.TryReserve(units)) return Claim(c, previous, units);
            if (now - c.QueuedAt < policy.PreviousAgentWindow) return null;
        }

        AgentState? best = null;
        foreach (var agent in agents)
        {
            if (agent.Presence != Presence.Online || c.Excluded.Contains(agent.Id) || !Meets(agent, required)) continue;
            if (agent.Load + units > agent.Capacity) continue;
            if (best is null || Better(agent, best, c.Required)) best = agent;
        }
        return best is not null && best.TryReserve(units) ? Claim(c, best, units) : null;
    }

    private static bool Better(AgentState a, AgentState b, IReadOnlyList<SkillRequirement> asked)
    {
        var byRatio = ((long)a.Load * b.Capacity).CompareTo((long)b.Load * a.Capacity);
        if (byRatio != 0) return byRatio < 0;
        var byGap = FitGap(a, asked).CompareTo(FitGap(b, asked));
        if (byGap != 0) return byGap < 0;
        var byIdle = a.IdleSince.CompareTo(b.IdleSince);
        return byIdle != 0 ? byIdle < 0 : a.Id.CompareTo(b.Id) < 0;
    }

    // Plain loops, no LINQ: the baseline should lose to the index, not to allocations.
    private static int FitGap(AgentState agent, IReadOnlyList<SkillRequirement> asked)
    {
        var gap = 0;
        for (var i = 0; i < asked.Count; i++)
        {
            var level = agent.LevelOf(asked[i].Skill);
            gap += level >= asked[i].Level ? level - asked[i].Level : 2 * (asked[i].Level - level);
        }
        return gap;
    }

    internal static bool Meets(AgentState agent, IReadOnlyList<SkillRequirement> required, bool anyLevel = false)
    {
        for (var i = 0; i < required.Count; i++)
            if (agent.LevelOf(required[i].Skill) < (anyLevel ? SkillLevels.Min : required[i].Level)) return false;
        return true;
    }

    internal static AssignmentDecision? Claim(WaitingConversation c, AgentState agent, int units)
    {
        if (c.TryClaim()) return new AssignmentDecision(c, agent, units, "baseline");
        agent.Release(units);
        return null;
    }
}

/// <summary>
/// Baseline for quality: round robin, as many ticketing tools do it — the next agent in turn who is online, has room and
/// has every skill asked for at any level. Blind to levels, load and idle time; same capacity rules, so it never overloads.
/// </summary>
internal sealed class RoundRobinRouter(RoutingPolicy policy, AgentState[] agents) : IRouter
{
    private int _next;

    public string Name => "round robin";

    public AssignmentDecision? TryAssign(WaitingConversation c, DateTimeOffset now)
    {
        var units = policy.WeightOf(c.ChannelKind);
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)agents.Length);
        for (var i = 0; i < agents.Length; i++)
        {
            var index = (start + i) % agents.Length;
            var agent = agents[index];
            if (agent.Presence != Presence.Online || c.Excluded.Contains(agent.Id)) continue;
            if (!LinearScanRouter.Meets(agent, c.Required, anyLevel: true)) continue;
            if (!agent.TryReserve(units)) continue;
            // The turn moves past whoever took it.
            Interlocked.Exchange(ref _next, index);
            return LinearScanRouter.Claim(c, agent, units);
        }
        return null;
    }
}
