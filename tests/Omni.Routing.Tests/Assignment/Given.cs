using Omni.Routing.Assignment;

namespace Omni.Routing.Tests.Assignment;

/// <summary>Agents and conversations for the assignment tests, with only what a test cares about spelled out.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static AgentState Agent(string skills = "general:5", int capacity = 100, Presence presence = Presence.Online, DateTimeOffset? idleSince = null) => new()
    {
        Id = Guid.NewGuid(),
        Skills = Skills(skills),
        Capacity = capacity,
        Presence = presence,
        IdleSince = idleSince ?? Now.AddMinutes(-5),
    };

    public static WaitingConversation Conversation(
        string requires = "general:1", string kind = "webchat", int priority = 0, TimeSpan? waited = null,
        Guid? previousAgent = null, IReadOnlySet<Guid>? excluded = null, Guid? queue = null) => new()
    {
        Id = Guid.NewGuid(),
        QueueId = queue ?? Guid.Empty,
        Priority = priority,
        QueuedAt = Now - (waited ?? TimeSpan.Zero),
        ChannelKind = kind,
        Required = Requirements(requires),
        PreviousAgentId = previousAgent,
        Excluded = excluded ?? new HashSet<Guid>(),
    };

    public static AgentPool Pool(params AgentState[] agents)
    {
        var pool = new AgentPool();
        foreach (var agent in agents) pool.Upsert(agent);
        return pool;
    }

    /// <summary>"billing:7 english:4" → skill → level.</summary>
    public static Dictionary<string, int> Skills(string text) => Pairs(text).ToDictionary(p => p.Skill, p => p.Level);

    public static SkillRequirement[] Requirements(string text) => [.. Pairs(text).Select(p => new SkillRequirement(p.Skill, p.Level))];

    private static IEnumerable<(string Skill, int Level)> Pairs(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split(':')).Select(p => (p[0], int.Parse(p[1])));
}
