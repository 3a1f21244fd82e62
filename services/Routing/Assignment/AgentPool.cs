using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;

namespace Omni.Routing.Assignment;

/// <summary>The agents routing can choose from, indexed by skill and level so a decision looks only at agents who have the skills.</summary>
/// <remarks>
/// Thread-safe. Writes (<see cref="Upsert"/>, <see cref="Remove"/>, an agent's <see cref="AgentState.Skills"/> changing)
/// take a lock and replace the affected index arrays; reads never lock and see either the old or the new array.
/// Presence and load are not indexed: they change with every decision and are read from the agent when choosing.
/// </remarks>
public sealed class AgentPool
{
    private const int CacheLimit = 4_096;

    private readonly Lock _write = new();
    private readonly ConcurrentDictionary<Guid, AgentState> _agents = new();
    // The skills as last indexed, to take an agent out of the right buckets when their skills change.
    private readonly Dictionary<Guid, FrozenDictionary<string, int>> _indexed = [];
    // Skill → agents by exact level (slot 0 unused); each slot's array is replaced, never changed in place.
    private readonly ConcurrentDictionary<string, AgentState[][]> _bySkill = new(StringComparer.OrdinalIgnoreCase);
    // Effective requirements → the agents who meet them, valid while the pool's version is unchanged.
    private readonly ConcurrentDictionary<string, Matches> _matches = new(StringComparer.OrdinalIgnoreCase);
    private Snapshot? _all;
    private long _version;

    private sealed record Snapshot(long Version, AgentState[] Agents);

    private sealed record Matches(long Version, AgentState[] Agents);

    /// <summary>Adds the agent, or replaces the one with the same id; an agent belongs to one pool at a time.</summary>
    /// <exception cref="InvalidOperationException">The agent is already in another pool.</exception>
    public void Upsert(AgentState agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_write)
        {
            if (agent.Pool is { } other && other != this)
                throw new InvalidOperationException($"Agent {agent.Id} is already in another pool.");
            if (_agents.TryGetValue(agent.Id, out var existing) && !ReferenceEquals(existing, agent))
            {
                Unindex(existing);
                existing.Pool = null;
            }
            else if (existing is not null)
            {
                Unindex(existing);
            }
            agent.Pool = this;
            _agents[agent.Id] = agent;
            Index(agent);
            Changed();
        }
    }

    /// <summary>Takes the agent out; false when there was none with that id.</summary>
    public bool Remove(Guid id)
    {
        lock (_write)
        {
            if (!_agents.TryRemove(id, out var agent)) return false;
            Unindex(agent);
            agent.Pool = null;
            Changed();
            return true;
        }
    }

    /// <summary>The agent with this id, if in the pool.</summary>
    public AgentState? Get(Guid id) => _agents.GetValueOrDefault(id);

    /// <summary>Every agent, as a snapshot.</summary>
    public IReadOnlyCollection<AgentState> All => AllAgents();

    /// <summary>How many agents the pool holds.</summary>
    public int Count => _agents.Count;

    /// <summary>Agents who have every skill at no less than the level asked for, whatever their presence and load.</summary>
    /// <remarks>An array shared between callers: do not change it. Cached per set of requirements until the pool changes.</remarks>
    public IReadOnlyList<AgentState> WithSkills(IReadOnlyList<SkillRequirement> required) => Match(required);

    internal AgentState[] AllAgents()
    {
        var version = Interlocked.Read(ref _version);
        var all = Volatile.Read(ref _all);
        if (all is not null && all.Version == version) return all.Agents;
        AgentState[] agents = [.. _agents.Values];
        Volatile.Write(ref _all, new Snapshot(version, agents));
        return agents;
    }

    internal AgentState[] Match(IReadOnlyList<SkillRequirement> required)
    {
        if (required.Count == 0) return AllAgents();
        var version = Interlocked.Read(ref _version);
        var key = KeyOf(required);
        if (_matches.TryGetValue(key, out var cached) && cached.Version == version) return cached.Agents;

        var agents = Build(required);
        if (_matches.Count >= CacheLimit) _matches.Clear();
        _matches[key] = new Matches(version, agents);
        return agents;
    }

    /// <summary>Called by <see cref="AgentState.Skills"/>: moves the agent to the buckets of their new skills.</summary>
    internal void Reindex(AgentState agent)
    {
        lock (_write)
        {
            if (!_agents.TryGetValue(agent.Id, out var current) || !ReferenceEquals(current, agent)) return;
            Unindex(agent);
            Index(agent);
            Changed();
        }
    }

    private AgentState[] Build(IReadOnlyList<SkillRequirement> required)
    {
        // Start from the requirement met by the fewest agents, then check the others on each of those.
        AgentState[][]? narrowest = null;
        var narrowestLevel = 0;
        var narrowestCount = int.MaxValue;
        foreach (var requirement in required)
        {
            if (!_bySkill.TryGetValue(requirement.Skill, out var levels)) return [];
            var count = 0;
            for (var level = requirement.Level; level <= SkillLevels.Max; level++) count += levels[level].Length;
            if (count < narrowestCount) (narrowest, narrowestLevel, narrowestCount) = (levels, requirement.Level, count);
        }

        var result = new List<AgentState>(narrowestCount);
        for (var level = narrowestLevel; level <= SkillLevels.Max; level++)
        {
            foreach (var agent in narrowest![level])
                if (Meets(agent, required)) result.Add(agent);
        }
        return [.. result];
    }

    internal static bool Meets(AgentState agent, IReadOnlyList<SkillRequirement> required)
    {
        var skills = agent.Skills;
        foreach (var requirement in required)
            if (!skills.TryGetValue(requirement.Skill, out var level) || level < requirement.Level) return false;
        return true;
    }

    private static string KeyOf(IReadOnlyList<SkillRequirement> required)
    {
        if (required.Count == 1) return $"{required[0].Skill}\u001f{required[0].Level}";
        var sorted = required.ToArray();
        Array.Sort(sorted, static (a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Skill, b.Skill));
        var key = new StringBuilder();
        foreach (var requirement in sorted) key.Append(requirement.Skill).Append('\u001f').Append(requirement.Level).Append('\u001e');
        return key.ToString();
    }

    private void Index(AgentState agent)
    {
        var skills = agent.SkillSet;
        foreach (var (skill, level) in skills)
        {
            var levels = _bySkill.GetOrAdd(skill, static _ => NewLevels());
            levels[level] = [.. levels[level], agent];
        }
        _indexed[agent.Id] = skills;
    }

    private void Unindex(AgentState agent)
    {
        if (!_indexed.Remove(agent.Id, out var skills)) return;
        foreach (var (skill, level) in skills)
        {
            if (!_bySkill.TryGetValue(skill, out var levels)) continue;
            levels[level] = Array.FindAll(levels[level], a => !ReferenceEquals(a, agent));
        }
    }

    private void Changed()
    {
        // After the buckets changed: a reader that saw the old version rebuilds on its next look.
        Interlocked.Increment(ref _version);
    }

    private static AgentState[][] NewLevels()
    {
        var levels = new AgentState[SkillLevels.Max + 1][];
        Array.Fill(levels, []);
        return levels;
    }
}
