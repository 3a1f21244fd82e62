namespace Omni.Routing.Assignment;

/// <summary>A conversation given to an agent, with the capacity units reserved and why, for the decision log.</summary>
public sealed record AssignmentDecision(WaitingConversation Conversation, AgentState Agent, int Units, string Reason);

/// <summary>Why a conversation could not be assigned now.</summary>
public enum NoAssignmentReason
{
    /// <summary>Another router claimed it first.</summary>
    AlreadyClaimed,
    /// <summary>Its previous agent is online but full, and the window to wait for them is still open.</summary>
    HeldForPreviousAgent,
    /// <summary>No agent in the pool has the skills at the levels asked for (after relaxing).</summary>
    NoAgentWithSkills,
    /// <summary>Agents with the skills exist, but none is online (or all online ones are excluded).</summary>
    NoneOnline,
    /// <summary>Online agents with the skills exist, but none has the capacity free.</summary>
    NoneWithRoom,
    /// <summary>Every agent that had room was taken by concurrent routers during this attempt; trying again may succeed.</summary>
    LostRace,
}

/// <summary>Why a conversation was not assigned, in words for the decision log.</summary>
public sealed record NoAssignment(NoAssignmentReason Reason, string Detail);

/// <summary>
/// Decides which agent takes a waiting conversation: skills-based with capacity, priority then longest wait,
/// required levels relaxed as the conversation waits (bullseye), back to the previous agent when they can take it.
/// </summary>
/// <remarks>
/// Pure and thread-safe: any number of routers may call it on one <see cref="AgentPool"/> at once. A decision first
/// reserves the agent's units (compare-and-swap on <see cref="AgentState.Load"/>, so never past capacity) and then
/// claims the conversation (true exactly once); a reservation whose claim is lost is released at once.
///
/// Among eligible agents the best fit is, in order: (1) the lowest load ratio (Load ÷ Capacity), so work spreads and
/// nobody juggles three chats while a colleague has none; (2) the smallest fit gap against the levels the conversation
/// originally asked for, where a level short counts double a level over, so an under-qualified agent is the last resort
/// and experts stay free for the work that needs them; (3) the longest idle; (4) the lowest id, so ties are deterministic.
/// </remarks>
public sealed class AssignmentEngine(RoutingPolicy policy)
{
    /// <summary>Priority first (higher first), then the longest wait, then id: the order conversations are served in.</summary>
    public static IComparer<WaitingConversation> QueueOrder { get; } = Comparer<WaitingConversation>.Create(static (a, b) =>
    {
        var byPriority = b.Priority.CompareTo(a.Priority);
        if (byPriority != 0) return byPriority;
        var byWait = a.QueuedAt.CompareTo(b.QueuedAt);
        return byWait != 0 ? byWait : a.Id.CompareTo(b.Id);
    });

    /// <summary>The policy decisions follow.</summary>
    public RoutingPolicy Policy => policy;

    /// <summary>The requirements after relaxing for the time <paramref name="c"/> has waited by <paramref name="now"/>.</summary>
    public IReadOnlyList<SkillRequirement> EffectiveRequirements(WaitingConversation c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var relax = policy.RelaxAfter(now - c.QueuedAt);
        if (relax == 0) return c.Required;
        var relaxed = new SkillRequirement[c.Required.Count];
        for (var i = 0; i < relaxed.Length; i++)
        {
            var requirement = c.Required[i];
            relaxed[i] = requirement with { Level = Math.Max(SkillLevels.Min, requirement.Level - relax) };
        }
        return relaxed;
    }

    /// <summary>When something about <paramref name="c"/> changes without any event: its next bullseye step, or the end of its wait for the previous agent.</summary>
    /// <remarks>A router that only re-runs on arrivals and releases should also re-run at this time.</remarks>
    public DateTimeOffset? NextChangeAt(WaitingConversation c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        DateTimeOffset? next = policy.NextRelaxation(now - c.QueuedAt) is { } after ? c.QueuedAt + after : null;
        var holdEnds = c.QueuedAt + policy.PreviousAgentWindow;
        if (c.PreviousAgentId is not null && holdEnds > now && (next is null || holdEnds < next)) next = holdEnds;
        return next;
    }

    /// <summary>Assigns <paramref name="c"/> to the best eligible agent now, reserving their capacity and claiming the conversation; null when nobody can take it now.</summary>
    public AssignmentDecision? TryAssign(WaitingConversation c, AgentPool pool, DateTimeOffset now) => TryAssign(c, pool, now, out _);

    /// <summary>As <see cref="TryAssign(WaitingConversation, AgentPool, DateTimeOffset)"/>, saying why when it returns null.</summary>
    public AssignmentDecision? TryAssign(WaitingConversation c, AgentPool pool, DateTimeOffset now, out NoAssignment? why)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(pool);
        if (c.IsClaimed)
        {
            why = new NoAssignment(NoAssignmentReason.AlreadyClaimed, "already assigned");
            return null;
        }

        var units = policy.WeightOf(c.ChannelKind);
        var waited = now - c.QueuedAt;
        var required = EffectiveRequirements(c, now);

        if (c.PreviousAgentId is { } previousId && !c.Excluded.Contains(previousId)
            && pool.Get(previousId) is { Presence: Presence.Online } previous && AgentPool.Meets(previous, required))
        {
            var load = previous.Load;
            if (previous.TryReserve(units))
                return Claim(c, previous, units, out why, () =>
                    $"previous agent {previous.Id} (load {load}/{previous.Capacity} → {load + units}); {Requirements(c, required, waited)}");
            if (waited < policy.PreviousAgentWindow)
            {
                why = new NoAssignment(NoAssignmentReason.HeldForPreviousAgent,
                    $"held for previous agent {previousId} (load {previous.Load}/{previous.Capacity}, needs {units}) until {(c.QueuedAt + policy.PreviousAgentWindow):O}");
                return null;
            }
        }

        var candidates = pool.Match(required);
        List<AgentState>? lost = null;
        while (true)
        {
            var scan = Scan(candidates, c, units, lost);
            if (scan.Best is not { } best)
            {
                why = Explain(scan, candidates.Length, c, required, units, waited, lost is not null);
                return null;
            }
            // The candidates were indexed for these requirements; the chosen one's skills are checked again in case they just changed.
            if (AgentPool.Meets(best, required) && best.TryReserve(units))
                return Claim(c, best, units, out why, () =>
                    $"agent {best.Id} (load {scan.BestLoad}/{scan.BestCapacity} → {scan.BestLoad + units}, fit gap {FitGap(best, c.Required)}, idle since {best.IdleSince:O}); " +
                    $"{scan.WithRoom} of {scan.Online} online agents with the skills had room, {candidates.Length} have the skills; {Requirements(c, required, waited)}");
            // Another router filled this agent between the scan and the reservation: choose again without them.
            (lost ??= []).Add(best);
        }
    }

    /// <summary>Assigns what can be assigned now, priority first then the longest wait; stops early when no agent has room left.</summary>
    /// <remarks>A conversation that cannot be assigned does not hold up the ones behind it: they may need other skills.</remarks>
    public IReadOnlyList<AssignmentDecision> AssignAll(IEnumerable<WaitingConversation> waiting, AgentPool pool, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(pool);
        var ordered = waiting.Where(c => !c.IsClaimed).ToArray();
        if (ordered.Length == 0) return [];
        Array.Sort(ordered, QueueOrder);

        var smallest = ordered.Min(c => policy.WeightOf(c.ChannelKind));
        var open = 0;
        foreach (var agent in pool.AllAgents())
            if (agent.Presence == Presence.Online && agent.FreeUnits >= smallest) open++;

        var decisions = new List<AssignmentDecision>();
        foreach (var c in ordered)
        {
            if (open == 0) break;
            if (TryAssign(c, pool, now, out _) is not { } decision) continue;
            decisions.Add(decision);
            if (decision.Agent.FreeUnits < smallest) open--;
        }
        return decisions;
    }

    private static AssignmentDecision? Claim(WaitingConversation c, AgentState agent, int units, out NoAssignment? why, Func<string> reason)
    {
        if (!c.TryClaim())
        {
            agent.Release(units);
            why = new NoAssignment(NoAssignmentReason.AlreadyClaimed, "assigned by another router meanwhile");
            return null;
        }
        why = null;
        return new AssignmentDecision(c, agent, units, reason());
    }

    private record struct ScanResult(AgentState? Best, int BestLoad, int BestCapacity, int Online, int WithRoom);

    private static ScanResult Scan(AgentState[] candidates, WaitingConversation c, int units, List<AgentState>? lost)
    {
        var excluded = c.Excluded.Count > 0 ? c.Excluded : null;
        AgentState? best = null;
        int bestLoad = 0, bestCapacity = 1, bestGap = -1, online = 0, withRoom = 0;
        long bestIdle = 0;
        foreach (var agent in candidates)
        {
            if (agent.Presence != Presence.Online) continue;
            if (excluded is not null && excluded.Contains(agent.Id)) continue;
            online++;
            var load = agent.Load;
            var capacity = agent.Capacity;
            if (load + units > capacity) continue;
            withRoom++;
            if (lost is not null && lost.Contains(agent)) continue;

            if (best is null)
            {
                (best, bestLoad, bestCapacity, bestGap, bestIdle) = (agent, load, capacity, -1, agent.IdleSince.UtcTicks);
                continue;
            }
            // Load ratios compared without division: load / capacity < bestLoad / bestCapacity.
            var byRatio = ((long)load * bestCapacity).CompareTo((long)bestLoad * capacity);
            if (byRatio > 0) continue;
            if (byRatio == 0)
            {
                if (bestGap < 0) bestGap = FitGap(best, c.Required);
                var gap = FitGap(agent, c.Required);
                if (gap > bestGap) continue;
                if (gap == bestGap)
                {
                    var idle = agent.IdleSince.UtcTicks;
                    if (idle > bestIdle || (idle == bestIdle && agent.Id.CompareTo(best.Id) > 0)) continue;
                }
                (best, bestLoad, bestCapacity, bestGap, bestIdle) = (agent, load, capacity, gap, agent.IdleSince.UtcTicks);
                continue;
            }
            (best, bestLoad, bestCapacity, bestGap, bestIdle) = (agent, load, capacity, -1, agent.IdleSince.UtcTicks);
        }
        return new ScanResult(best, bestLoad, bestCapacity, online, withRoom);
    }

    /// <summary>How far the agent is from the levels originally asked for: a level short counts 2, a level over counts 1.</summary>
    private static int FitGap(AgentState agent, IReadOnlyList<SkillRequirement> asked)
    {
        var gap = 0;
        foreach (var requirement in asked)
        {
            var level = agent.LevelOf(requirement.Skill);
            gap += level >= requirement.Level ? level - requirement.Level : 2 * (requirement.Level - level);
        }
        return gap;
    }

    private static NoAssignment Explain(ScanResult scan, int withSkills, WaitingConversation c, IReadOnlyList<SkillRequirement> required, int units, TimeSpan waited, bool raced)
    {
        var needs = Requirements(c, required, waited);
        if (withSkills == 0) return new NoAssignment(NoAssignmentReason.NoAgentWithSkills, $"no agent has the skills; {needs}");
        if (scan.Online == 0) return new NoAssignment(NoAssignmentReason.NoneOnline, $"{withSkills} agents have the skills, none online and not excluded; {needs}");
        if (scan.WithRoom == 0 || !raced) return new NoAssignment(NoAssignmentReason.NoneWithRoom, $"{scan.Online} online agents with the skills, none has {units} units free; {needs}");
        return new NoAssignment(NoAssignmentReason.LostRace, $"the {scan.WithRoom} agents with room were taken by other routers meanwhile; {needs}");
    }

    private static string Requirements(WaitingConversation c, IReadOnlyList<SkillRequirement> required, TimeSpan waited)
    {
        var effective = required.Count == 0 ? "no skills" : string.Join(", ", required);
        return ReferenceEquals(required, c.Required)
            ? $"requirements {effective}, waited {waited.TotalSeconds:F0} s"
            : $"requirements {effective} (asked {string.Join(", ", c.Required)}; relaxed after {waited.TotalSeconds:F0} s)";
    }
}
