namespace Omni.Channel.Notifications;

/// <summary>What the customer was last told about where their conversation stands, so they are told only what is new.</summary>
public sealed class ConversationNotice
{
    public Guid ConversationId { get; init; }

    public Guid CustomerId { get; init; }

    public required string State { get; set; }

    public int? Position { get; set; }

    public int? EstimatedWaitSeconds { get; set; }

    public DateTimeOffset LastToldAt { get; set; }

    /// <summary>The latest status routing reported (told or not), so a late or repeated event is recognised.</summary>
    public DateTimeOffset LastStatusAt { get; set; }

    public int Count { get; set; }
}
