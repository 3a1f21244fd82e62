namespace Omni.Knowledge.Feedback;

/// <summary>Whether an article helped in one conversation: one vote per article and conversation, changeable.</summary>
public sealed class ArticleVote
{
    public Guid ArticleId { get; init; }

    public Guid ConversationId { get; init; }

    public bool Helpful { get; set; }

    /// <summary>customer, agent or bot: who gave the vote last.</summary>
    public required string Source { get; set; }

    public DateTimeOffset VotedAt { get; set; }
}
