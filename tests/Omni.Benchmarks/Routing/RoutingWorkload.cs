extern alias routing;

using routing::Omni.Routing.Assignment;

namespace Omni.Benchmarks.Routing;

/// <summary>
/// A contact centre of a realistic shape, seeded: agents with one to three languages and two to five topics at levels
/// 1–10 (most around 4–7, few experts), queues asking for a language and one or two topics, and a stream of waiting
/// conversations across channel kinds, priorities and waits (so bullseye steps, previous agents and exclusions occur).
/// </summary>
internal sealed class RoutingWorkload
{
    private static readonly (string Skill, double Share)[] Languages =
        [("english", 0.85), ("dutch", 0.45), ("german", 0.20), ("french", 0.15), ("spanish", 0.10)];
    private static readonly (string Language, double Demand)[] LanguageDemand =
        [("english", 0.55), ("dutch", 0.28), ("german", 0.09), ("french", 0.05), ("spanish", 0.03)];
    private static readonly string[] Topics =
    [
        "billing", "orders", "returns", "delivery", "technical", "accounts", "sales", "fraud",
        "loyalty", "insurance", "mobile", "internet", "tv", "business", "complaints", "partners",
    ];
    private static readonly (string Kind, double Share)[] ChannelMix =
        [("voice", 0.30), ("webchat", 0.30), ("whatsapp", 0.15), ("email", 0.15), ("sms", 0.05), ("partner", 0.05)];

    public sealed record Agent(Guid Id, IReadOnlyDictionary<string, int> Skills, int Capacity, Presence Presence);

    public sealed record Queue(Guid Id, IReadOnlyList<SkillRequirement> Required, int Priority, double Popularity);

    public IReadOnlyList<Agent> Agents { get; }
    public IReadOnlyList<Queue> Queues { get; }
    public DateTimeOffset Now { get; } = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly double[] _cumulativePopularity;

    public RoutingWorkload(int agents, int queues, int seed)
    {
        var random = new Random(seed);
        Agents = [.. Enumerable.Range(0, agents).Select(_ => NewAgent(random))];
        Queues = [.. Enumerable.Range(0, queues).Select(i => NewQueue(random, i))];
        var total = Queues.Sum(q => q.Popularity);
        var running = 0d;
        _cumulativePopularity = [.. Queues.Select(q => running += q.Popularity / total)];
    }

    /// <summary>Fresh agent states (load 0) for one run, in one pool.</summary>
    public AgentPool NewPool()
    {
        var pool = new AgentPool();
        foreach (var agent in NewStates()) pool.Upsert(agent);
        return pool;
    }

    public AgentState[] NewStates() =>
    [
        .. Agents.Select((a, i) => new AgentState
        {
            Id = a.Id,
            Skills = a.Skills,
            Capacity = a.Capacity,
            Presence = a.Presence,
            IdleSince = Now.AddSeconds(-(i * 7919 % 3600)),
        }),
    ];

    /// <summary>Waiting conversations drawn from the queues by popularity; the same seed gives the same stream.</summary>
    public WaitingConversation[] Conversations(int count, int seed)
    {
        var random = new Random(seed);
        var conversations = new WaitingConversation[count];
        for (var i = 0; i < count; i++)
        {
            var queue = Queues[Pick(random)];
            var waited = TimeSpan.FromSeconds(random.NextDouble() < 0.6 ? random.Next(0, 30) : random.Next(30, 300));
            var roll = random.NextDouble();
            var conversation = new WaitingConversation
            {
                Id = NewId(random),
                QueueId = queue.Id,
                Priority = queue.Priority,
                QueuedAt = Now - waited,
                ChannelKind = PickShare(random, ChannelMix),
                Required = queue.Required,
                PreviousAgentId = roll < 0.05 ? Agents[random.Next(Agents.Count)].Id : null,
            };
            conversations[i] = roll > 0.98
                ? Copy(conversation, excluded: new HashSet<Guid> { Agents[random.Next(Agents.Count)].Id })
                : conversation;
        }
        return conversations;
    }

    /// <summary>A copy that has not been claimed, for routers that each need their own.</summary>
    public static WaitingConversation Copy(WaitingConversation c, IReadOnlySet<Guid>? excluded = null) => new()
    {
        Id = c.Id,
        QueueId = c.QueueId,
        Priority = c.Priority,
        QueuedAt = c.QueuedAt,
        ChannelKind = c.ChannelKind,
        Required = c.Required,
        PreviousAgentId = c.PreviousAgentId,
        Excluded = excluded ?? c.Excluded,
    };

    private int Pick(Random random)
    {
        var index = Array.BinarySearch(_cumulativePopularity, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, Queues.Count - 1);
    }

    private static Agent NewAgent(Random random)
    {
        var skills = new Dictionary<string, int>();
        foreach (var (language, share) in Languages)
            if (random.NextDouble() < share) skills[language] = Level(random, 6);
        if (skills.Count == 0) skills["english"] = Level(random, 5);
        foreach (var topic in Topics.OrderBy(_ => random.Next()).Take(random.Next(2, 6)))
            skills[topic] = Level(random, 5);
        var presence = random.NextDouble() switch { < 0.90 => Presence.Online, < 0.96 => Presence.Away, _ => Presence.Offline };
        var capacity = random.NextDouble() < 0.1 ? 150 : 100;   // a few seasoned agents juggle more written work
        return new Agent(NewId(random), skills, capacity, presence);
    }

    private static Queue NewQueue(Random random, int index)
    {
        var language = PickShare(random, LanguageDemand);
        var required = new List<SkillRequirement> { new(language, random.Next(3, 7)) };
        foreach (var topic in Topics.OrderBy(_ => random.Next()).Take(random.NextDouble() < 0.2 ? 2 : 1))
            required.Add(new SkillRequirement(topic, random.Next(2, 9)));
        var priority = random.NextDouble() switch { < 0.8 => 0, < 0.95 => 1, _ => 2 };
        // A few busy queues and a long tail (Zipf-like), as in most centres.
        return new Queue(NewId(random), required, priority, 1.0 / (index + 1));
    }

    /// <summary>Ids from the seeded generator, so ties broken by id fall the same way in every run.</summary>
    internal static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    /// <summary>Levels cluster around <paramref name="mean"/> (sum of two dice, so 1–10 with few extremes).</summary>
    private static int Level(Random random, int mean) => Math.Clamp(mean + random.Next(-3, 4) + random.Next(-2, 3), SkillLevels.Min, SkillLevels.Max);

    private static string PickShare(Random random, (string Name, double Share)[] shares)
    {
        var roll = random.NextDouble() * shares.Sum(s => s.Share);
        foreach (var (name, share) in shares)
        {
            if (roll < share) return name;
            roll -= share;
        }
        return shares[^1].Name;
    }
}
