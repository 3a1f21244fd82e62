namespace Omni.Messaging.Inbox;

/// <summary>A message an endpoint has processed; committed with the consumer's effects, so a redelivery is recognised.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }

    public required string Consumer { get; init; }

    public DateTimeOffset ProcessedAt { get; init; }
}
