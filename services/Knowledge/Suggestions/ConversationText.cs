namespace Omni.Knowledge.Suggestions;

/// <summary>
/// What suggestions need of a conversation: its customer, their language and where it came from. The texts are the
/// last few customer messages; they are a copy of the channel's and go when the customer is erased.
/// </summary>
public sealed class ConversationContext
{
    public Guid ConversationId { get; init; }

    public Guid CustomerId { get; set; }

    /// <summary>nl or en; null until known.</summary>
    public string? Language { get; set; }

    /// <summary>customer (their preferred language in identity) or detected (from their words).</summary>
    public string? LanguageSource { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One recent customer message of a conversation (a bounded number are kept per conversation).</summary>
public sealed class ConversationText
{
    public Guid MessageId { get; init; }

    public Guid ConversationId { get; init; }

    public required string Text { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }
}
