namespace Omni.Contracts.Channel;

/// <summary>An outbound message reached a new delivery state on its channel: sent, delivered or read.</summary>
public sealed record MessageDelivered(Guid MessageId, Guid CustomerId, Guid? ConversationId, string Channel, string Status, DateTimeOffset At);

/// <summary>An outbound message could not be delivered after every attempt, or the provider reported it failed.</summary>
public sealed record DeliveryFailed(Guid MessageId, Guid CustomerId, Guid? ConversationId, string Channel, string Reason, int Attempts, DateTimeOffset At);
