namespace Omni.Routing.Conversations;

/// <summary>
/// Where a conversation stands. Stored as these words (they are also what <c>StatusChanged</c> and the APIs say).
/// new → bot → queued → assigned ⇄ waiting-on-customer → resolved → closed; a transfer to a queue goes back to queued.
/// </summary>
public static class ConversationState
{
    public const string New = "new";
    public const string Bot = "bot";
    public const string Queued = "queued";
    public const string Assigned = "assigned";
    public const string WaitingOnCustomer = "waiting-on-customer";
    public const string Resolved = "resolved";
    public const string Closed = "closed";

    /// <summary>The states of an open conversation: at most one per customer is in one of these.</summary>
    public static readonly IReadOnlyList<string> Open = [New, Bot, Queued, Assigned, WaitingOnCustomer];

    public static bool IsOpen(string state) => Open.Contains(state);

    /// <summary>The SQL condition the one-open-per-customer index is filtered on; kept beside <see cref="Open"/>.</summary>
    public const string OpenFilter = "\"State\" IN ('new', 'bot', 'queued', 'assigned', 'waiting-on-customer')";
}

/// <summary>
/// A customer's conversation with the company, across every channel they use. At most one is open per customer:
/// a message on any channel joins it.
/// </summary>
public sealed class Conversation
{
    public Guid Id { get; init; }

    public Guid CustomerId { get; set; }

    public string State { get; set; } = ConversationState.New;

    public DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset LastMessageAt { get; set; }

    public required string LastChannel { get; set; }

    /// <summary>The resolved conversation this one reopens: the customer came back within the reopen window (a repeat contact).</summary>
    public Guid? ReopenedFromId { get; init; }

    /// <summary>The queue it waits in, or last waited in.</summary>
    public Guid? QueueId { get; set; }

    public int Priority { get; set; }

    /// <summary>When it last entered a queue: its wait is counted from here.</summary>
    public DateTimeOffset? QueuedAt { get; set; }

    /// <summary>The agent it is offered to, until they accept, decline or the offer lapses.</summary>
    public Guid? OfferedAgentId { get; set; }

    public DateTimeOffset? OfferExpiresAt { get; set; }

    /// <summary>Capacity units the offer or assignment takes from its agent (by channel kind, when it was made).</summary>
    public int Units { get; set; }

    /// <summary>Agents who declined it or let an offer lapse: not offered again while it waits.</summary>
    public List<Guid> ExcludedAgents { get; set; } = [];

    public Guid? AgentId { get; set; }

    /// <summary>Who handled it before (a transfer, or the resolved conversation it reopens): preferred when available.</summary>
    public Guid? PreviousAgentId { get; set; }

    public DateTimeOffset? AssignedAt { get; set; }

    public DateTimeOffset? FirstResponseAt { get; set; }

    public DateTimeOffset? FirstResponseDueAt { get; set; }

    public DateTimeOffset? ResolutionDueAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>When the bot last answered: a customer's message later than this, left unanswered too long, goes to a person.</summary>
    public DateTimeOffset? LastBotAnswerAt { get; set; }

    /// <summary>The article tag the bot saw as closest, a hint for the queue.</summary>
    public string? Topic { get; set; }

    public string? Language { get; set; }

    /// <summary>What the customer already told the bot, for the agent: they need not repeat it.</summary>
    public string? Summary { get; set; }

    /// <summary>What customers were last told of their place in the queue: a new StatusChanged only when it moves.</summary>
    public int? ToldPosition { get; set; }

    public int? ToldWaitSeconds { get; set; }

    /// <summary>PostgreSQL's row version: two routers or agents changing one conversation cannot both win.</summary>
    public uint Version { get; set; }

    public List<ConversationMessage> Messages { get; } = [];
}

/// <summary>A reference to a message the channel service holds; the text stays there.</summary>
public sealed class ConversationMessage
{
    public Guid MessageId { get; init; }

    public Guid ConversationId { get; set; }

    public required string Channel { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When routing attached it: the end of the inbound path, so <c>AttachedAt - ReceivedAt</c> is its latency.</summary>
    public DateTimeOffset AttachedAt { get; init; }
}
