using System.Collections.Frozen;

namespace Omni.Routing.Assignment;

/// <summary>A conversation waiting in a queue for an agent, with what it needs.</summary>
public sealed class WaitingConversation
{
    private int _claimed;

    /// <summary>The conversation's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The queue it waits in.</summary>
    public required Guid QueueId { get; init; }

    /// <summary>Higher goes first.</summary>
    public int Priority { get; init; }

    /// <summary>When it started waiting: the clock for longest-wait-first and for the bullseye.</summary>
    public required DateTimeOffset QueuedAt { get; init; }

    /// <summary>voice, web, email, …: decides the capacity units it takes.</summary>
    public required string ChannelKind { get; init; }

    /// <summary>Skills asked for, before any relaxing.</summary>
    public required IReadOnlyList<SkillRequirement> Required { get; init; }

    /// <summary>The agent who helped this customer last, preferred when available.</summary>
    public Guid? PreviousAgentId { get; init; }

    /// <summary>Agents who let an offer of this conversation lapse or declined it: never offered it again.</summary>
    public IReadOnlySet<Guid> Excluded { get; init; } = FrozenSet<Guid>.Empty;

    /// <summary>Whether a router has claimed it.</summary>
    public bool IsClaimed => Volatile.Read(ref _claimed) != 0;

    /// <summary>Claims the conversation for one assignment; true exactly once, however many threads try.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Id} {ChannelKind} p{Priority} [{string.Join(", ", Required)}]";
}
