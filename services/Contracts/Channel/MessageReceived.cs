namespace Omni.Contracts.Channel;

/// <summary>
/// A customer's message arrived on a channel, was stored by the channel service and its sender resolved to a customer.
/// The text stays in the channel service (the system of record of the transcript); consumers fetch it over gRPC when they need it.
/// </summary>
public sealed record MessageReceived(
    Guid MessageId,
    Guid CustomerId,
    string Channel,
    DateTimeOffset ReceivedAt);
