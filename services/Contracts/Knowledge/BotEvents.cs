namespace Omni.Contracts.Knowledge;

/// <summary>The bot answered a customer's message in a conversation (with an article, or honestly without one).</summary>
public sealed record BotAnswered(
    Guid ConversationId,
    Guid CustomerId,
    Guid InReplyTo,
    Guid? ArticleId,
    double Confidence,
    int Turn,
    DateTimeOffset At);

/// <summary>
/// The bot lets go: the customer asked for a person (<paramref name="Reason"/> "asked"), the bot reached its maximum
/// of turns ("max-turns") or could not help ("no-answer"). Routing queues the conversation at once.
/// <paramref name="Topic"/> is the tag of the closest article, a hint for the queue; <paramref name="Summary"/> tells
/// the agent what the customer already said, so they need not repeat it.
/// </summary>
public sealed record HandoffRequested(
    Guid ConversationId,
    Guid CustomerId,
    string Reason,
    string? Topic,
    string? Language,
    string? Summary,
    DateTimeOffset At);
