namespace Omni.Routing.Decisions;

/// <summary>One thing routing decided about a conversation, and why, in words a supervisor can read.</summary>
public sealed class RoutingDecision
{
    public Guid Id { get; init; }

    public Guid ConversationId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>opened, reopened, bot, queued, offered, offer-lapsed, declined, accepted, transferred, resolved, closed, merged.</summary>
    public required string Kind { get; init; }

    public Guid? AgentId { get; init; }

    public Guid? QueueId { get; init; }

    /// <summary>Who acted (an agent's id), when a person did.</summary>
    public Guid? ActorId { get; init; }

    public required string Reason { get; init; }

    /// <summary>A transfer's note to the next agent.</summary>
    public string? Note { get; init; }
}
