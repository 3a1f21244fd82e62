namespace Omni.Contracts.Channel;

/// <summary>
/// A command to the channel service: send <paramref name="Text"/> to the customer in their conversation, on
/// <paramref name="Channel"/> or (when null) the channel they used last. <paramref name="MessageId"/> is the id the
/// outbound message gets, so a redelivered command sends once. <paramref name="Sender"/> says who speaks
/// ("bot", "agent", "system"); <paramref name="Actions"/> are quick replies a channel that can show buttons shows
/// (each is sent back as the customer's message when pressed); other channels get the text alone.
/// </summary>
public sealed record SendMessage(
    Guid MessageId,
    Guid CustomerId,
    Guid? ConversationId,
    string? Channel,
    string Text,
    string Sender,
    IReadOnlyList<string>? Actions,
    DateTimeOffset RequestedAt);
