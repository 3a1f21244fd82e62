namespace Omni.Channel.Messages;

public enum MessageDirection
{
    Inbound,
    Outbound,
}

public enum MessageStatus
{
    /// <summary>Stored and acknowledged; the sender is not resolved to a customer yet.</summary>
    Pending,

    /// <summary>The sender is known and <c>MessageReceived</c> is on its way to routing.</summary>
    Received,

    /// <summary>The sender's address can never be resolved (identity refused it); kept, with the reason, for an operator.</summary>
    Rejected,
}

/// <summary>One message on one channel, as it arrived: the transcript's system of record.</summary>
public sealed class Message
{
    public Guid Id { get; init; }

    public MessageDirection Direction { get; init; }

    /// <summary>The channel it came in on (<see cref="Channels"/>).</summary>
    public required string Channel { get; init; }

    /// <summary>The provider's or client's id of the message; a second delivery with the same id is the same message.</summary>
    public string? ExternalId { get; init; }

    public required string SenderKind { get; init; }

    public required string SenderAddress { get; init; }

    public required string Text { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public Guid? CustomerId { get; set; }

    public MessageStatus Status { get; set; }

    public string? StatusReason { get; set; }

    /// <summary>Trace of the request that delivered it, so the work done later joins the same trace.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }
}

/// <summary>Work still to do for an inbound message: resolving its sender. Committed with the message, deleted when done.</summary>
public sealed class InboundWork
{
    public Guid MessageId { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}

public static class Channels
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "api", "web", "sms", "whatsapp", "email", "voice", "partner",
    };
}
