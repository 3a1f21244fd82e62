namespace Omni.Routing.Conversations;

public enum ConversationStatus
{
    Open,
    Resolved,
}

/// <summary>
/// A customer's conversation with the company, across every channel they use. At most one is open per customer:
/// a message on any channel joins it.
/// </summary>
public sealed class Conversation
{
    public Guid Id { get; init; }

    public Guid CustomerId { get; init; }

    public ConversationStatus Status { get; set; }

    public DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset LastMessageAt { get; set; }

    public required string LastChannel { get; set; }

    public List<ConversationMessage> Messages { get; } = [];
}

/// <summary>A reference to a message the channel service holds; the text stays there.</summary>
public sealed class ConversationMessage
{
    public Guid MessageId { get; init; }

    public Guid ConversationId { get; init; }

    public required string Channel { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When routing attached it: the end of the inbound path, so <c>AttachedAt - ReceivedAt</c> is its latency.</summary>
    public DateTimeOffset AttachedAt { get; init; }
}
