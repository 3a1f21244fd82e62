using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Search;

namespace Omni.Knowledge.Suggestions;

/// <param name="Language">The customer's language the articles are in; null when not known (both languages searched).</param>
/// <param name="LanguageSource">customer (their preferred language) or detected (from their words).</param>
/// <param name="MessagesConsidered">How many recent customer messages were read; 0 when knowledge has seen none yet.</param>
public sealed record SuggestionResult(
    Guid ConversationId, string? Language, string? LanguageSource, IReadOnlyList<SearchHit> Articles, double Confidence, int MessagesConsidered);

/// <summary>The articles an agent may want beside a conversation, from what the customer wrote most recently.</summary>
public sealed class ConversationSuggestions(KnowledgeDbContext db, ArticleSearch search, IOptions<SuggestionOptions> options)
{
    public const int MaxLimit = 10;

    public async Task<SuggestionResult> SuggestAsync(Guid conversationId, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var context = await db.ConversationContexts.AsNoTracking().FirstOrDefaultAsync(c => c.ConversationId == conversationId, cancellationToken);
        if (context is null) return new SuggestionResult(conversationId, null, null, [], 0, 0);
        var texts = await db.ConversationTexts.AsNoTracking().Where(t => t.ConversationId == conversationId)
            .OrderByDescending(t => t.ReceivedAt).ThenByDescending(t => t.MessageId).Take(options.Value.MessagesRead)
            .Select(t => t.Text).ToListAsync(cancellationToken);
        if (texts.Count == 0) return new SuggestionResult(conversationId, context.Language, context.LanguageSource, [], 0, 0);

        // The latest message says what the customer wants now; when it alone finds nothing good ("yes", "still nothing"),
        // the messages before it give the subject. Gaps were counted when the messages arrived, not per look.
        var latest = await SearchAsync(texts[0], context.Language, limit, cancellationToken);
        var result = latest;
        if (texts.Count > 1 && latest.Confidence < ArticleSearch.GapThreshold)
        {
            var together = await SearchAsync(string.Join(' ', texts), context.Language, limit, cancellationToken);
            if (together.Confidence > latest.Confidence) result = together;
        }
        return new SuggestionResult(conversationId, context.Language, context.LanguageSource, result.Items, result.Confidence, texts.Count);
    }

    private async Task<SearchResult> SearchAsync(string text, string? language, int limit, CancellationToken cancellationToken) =>
        SearchQuery.Words(text).Count == 0
            ? new SearchResult([], 1, limit, 0, 0, [], "none")
            : await search.SearchAsync(text, language, Audience.Customer, null, 1, limit, SearchKind.Question, countGap: false, cancellationToken);
}
