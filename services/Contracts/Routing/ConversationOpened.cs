namespace Omni.Contracts.Routing;

/// <summary>A customer's conversation was opened by the first message that found none open.</summary>
public sealed record ConversationOpened(Guid ConversationId, Guid CustomerId, string Channel, DateTimeOffset OpenedAt);
