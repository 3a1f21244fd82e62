namespace Omni.Knowledge.Bot;

/// <summary>One turn of the bot in a conversation: what the customer's message got (an answer, an honest "no", or a handoff).</summary>
public sealed class BotTurn
{
    /// <summary>The customer's message this turn answers: a message gets one turn, however often it is delivered.</summary>
    public Guid MessageId { get; init; }

    public Guid ConversationId { get; init; }

    public Guid CustomerId { get; init; }

    /// <summary>answer, no-answer or handoff.</summary>
    public required string Kind { get; init; }

    public Guid? ArticleId { get; init; }

    public double Confidence { get; init; }

    public required string Language { get; init; }

    public DateTimeOffset At { get; init; }
}
