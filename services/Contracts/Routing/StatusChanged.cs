namespace Omni.Contracts.Routing;

/// <summary>
/// Where a customer's conversation stands changed: its state (new, bot, queued, assigned, waiting-on-customer,
/// resolved, closed), and while queued its position and estimated wait; once assigned, the agent's first name.
/// Channels tell the customer on a meaningful change, in <see cref="Language"/> when routing knows the language the
/// customer writes in (the bot's reading of their words, or an earlier conversation's).
/// </summary>
public sealed record StatusChanged(
    Guid ConversationId,
    Guid CustomerId,
    string State,
    int? Position,
    int? EstimatedWaitSeconds,
    string? AgentFirstName,
    DateTimeOffset At,
    string? Language = null);
