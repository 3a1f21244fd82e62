namespace Omni.Contracts.Routing;

/// <summary>
/// A customer's message joined a conversation. <paramref name="State"/> is the conversation's state after it joined
/// (new, bot, queued, assigned, waiting-on-customer): the knowledge bot answers only in "bot".
/// </summary>
public sealed record MessageAttached(
    Guid ConversationId,
    Guid CustomerId,
    Guid MessageId,
    string Channel,
    string State,
    DateTimeOffset ReceivedAt);

/// <summary>A conversation entered a queue to wait for a person.</summary>
public sealed record ConversationQueued(Guid ConversationId, Guid CustomerId, Guid QueueId, string QueueName, int Priority, DateTimeOffset QueuedAt);

/// <summary>An agent accepted a conversation (after an offer) and now handles it.</summary>
public sealed record ConversationAssigned(Guid ConversationId, Guid CustomerId, Guid AgentId, Guid? QueueId, DateTimeOffset AssignedAt);

/// <summary>A conversation moved to another agent or queue, with the note the transferring agent left.</summary>
public sealed record ConversationTransferred(
    Guid ConversationId, Guid CustomerId, Guid? FromAgentId, Guid? ToAgentId, Guid? ToQueueId, string? Note, DateTimeOffset At);

/// <summary>A conversation was resolved; a new contact within the reopen window links to it as a repeat contact.</summary>
public sealed record ConversationResolved(Guid ConversationId, Guid CustomerId, Guid? AgentId, DateTimeOffset ResolvedAt);
