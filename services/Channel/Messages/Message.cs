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

    /// <summary>Outbound: stored, waiting for (another) attempt to hand it to the provider.</summary>
    Queued,

    /// <summary>Outbound: the provider accepted it.</summary>
    Sent,

    /// <summary>Outbound: the provider reports it reached the customer's device or mailbox.</summary>
    Delivered,

    /// <summary>Outbound: the customer opened it (where the channel reports reads).</summary>
    Read,

    /// <summary>Outbound: it could not be delivered; the reason is kept and <c>DeliveryFailed</c> published.</summary>
    Failed,
}

/// <summary>One message on one channel, as it arrived: the transcript's system of record.</summary>
public sealed class Message
{
    public Guid Id { get; init; }

    public MessageDirection Direction { get; init; }

    /// <summary>The channel it came in on (<see cref="Channels"/>).</summary>
    public required string Channel { get; init; }

    /// <summary>The provider's or client's id of the message; a second delivery with the same id is the same message.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The channel account it came in on or went out through.</summary>
    public Guid? AccountId { get; init; }

    /// <summary>Outbound: the conversation it answers (routing's id), when known.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Inbound: the sender's identity kind and address. Outbound: the recipient's.</summary>
    public required string SenderKind { get; init; }

    public required string SenderAddress { get; set; }

    /// <summary>Provider details worth keeping: e-mail subject and thread ids, a location, a button's id, a call's duration.</summary>
    public Dictionary<string, string> Metadata { get; set; } = [];

    public List<MessageAttachment> Attachments { get; } = [];

    public required string Text { get; set; }

    /// <summary>Outbound: who speaks (<c>bot</c>, <c>agent</c> or <c>system</c>, see <c>MessageSenders</c>); null for a customer's message.</summary>
    public string? Sender { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public Guid? CustomerId { get; set; }

    public MessageStatus Status { get; set; }

    public string? StatusReason { get; set; }

    /// <summary>Trace of the request that delivered it, so the work done later joins the same trace.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>When the customer's erasure reached it: text, sender address, metadata and files are gone; ids, times, channel and state stay.</summary>
    public DateTimeOffset? ErasedAt { get; set; }
}

/// <summary>Where the bytes of an attachment are.</summary>
public enum AttachmentState
{
    /// <summary>The bytes are stored with it (or, going out, it is a link the provider fetches itself).</summary>
    Stored,

    /// <summary>Only the provider's reference is known; the media fetcher has yet to download the bytes.</summary>
    Pending,

    /// <summary>Not kept: over the size limit or of a type Omni does not store (the reason says which).</summary>
    Refused,

    /// <summary>The provider did not hand it over after every attempt (the reason says why).</summary>
    Failed,
}

/// <summary>A file that came with a message or goes out with one; bounded in size and type by the channel.</summary>
public sealed class MessageAttachment
{
    public Guid Id { get; init; }

    public Guid MessageId { get; init; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>The bytes, when the channel delivered them or they were fetched; null when only a provider's link is known.</summary>
    public byte[]? Content { get; set; }

    /// <summary>Where the provider keeps it (WhatsApp media id, Twilio media URL).</summary>
    public string? ProviderReference { get; set; }

    public AttachmentState State { get; set; }

    /// <summary>Why it was refused or could not be fetched.</summary>
    public string? StateReason { get; set; }

    /// <summary>Download attempts so far (for <see cref="AttachmentState.Pending"/> ones).</summary>
    public int FetchAttempts { get; set; }

    /// <summary>When the next download attempt is due; null once it is no longer pending.</summary>
    public DateTimeOffset? NextFetchAt { get; set; }
}

/// <summary>Work still to do for an outbound message: handing it to the provider. Deleted once sent or given up.</summary>
public sealed class OutboundWork
{
    public Guid MessageId { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>
/// What a provider delivered, as it came (Twilio's form, Meta's JSON, the e-mail's MIME), kept beside the message it was
/// read into and committed with it: what was read can be checked against what came, and read again. Erased with the message.
/// </summary>
public sealed class RawPayload
{
    public Guid MessageId { get; init; }

    public required string ContentType { get; init; }

    public required byte[] Content { get; init; }
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
