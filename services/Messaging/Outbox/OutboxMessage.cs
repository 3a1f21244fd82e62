namespace Omni.Messaging.Outbox;

/// <summary>
/// An event waiting to be published. It is written in the same transaction as the change it reports,
/// so the event exists exactly when the change does. Its <see cref="Id"/> becomes the message id on the bus,
/// which is what consumers' inboxes deduplicate on.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }

    /// <summary>Type name as <c>Namespace.Type, Assembly</c>; contracts never move namespace, so this stays resolvable.</summary>
    public required string MessageType { get; init; }

    public required string Body { get; init; }

    /// <summary>W3C trace context of the request that caused the event, so its publication joins the same trace.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
