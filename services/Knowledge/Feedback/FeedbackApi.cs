using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Feedback;

public sealed record VoteRequest(Guid? ConversationId, bool? Helpful);

public sealed record VoteDto(Guid ArticleId, Guid ConversationId, bool Helpful, string Source, DateTimeOffset VotedAt);

public sealed record FeedbackSummaryDto(Guid ArticleId, string Language, string Title, int Helpful, int NotHelpful);

/// <summary>Records votes: one per article and conversation; voting again changes it.</summary>
public sealed class ArticleFeedback(KnowledgeDbContext db, TimeProvider clock)
{
    /// <summary>Sources of a vote.</summary>
    public static class Sources
    {
        public const string Customer = "customer";
        public const string Agent = "agent";
        public const string Bot = "bot";
    }

    /// <summary>The vote as stored, or null when the article is unknown (or a draft and <paramref name="includeDrafts"/> is false).</summary>
    public async Task<ArticleVote?> VoteAsync(Guid articleId, Guid conversationId, bool helpful, string source, bool includeDrafts, CancellationToken cancellationToken)
    {
        var exists = await ArticlesApi.Visible(db, includeDrafts ? Caller.System : Caller.Customer).AnyAsync(a => a.Id == articleId, cancellationToken);
        if (!exists) return null;
        var now = clock.GetUtcNow();
        // One statement: two votes arriving together for one conversation leave one row, the later one.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO article_votes ("ArticleId", "ConversationId", "Helpful", "Source", "VotedAt")
            VALUES ({articleId}, {conversationId}, {helpful}, {source}, {now})
            ON CONFLICT ("ArticleId", "ConversationId") DO UPDATE SET "Helpful" = EXCLUDED."Helpful", "Source" = EXCLUDED."Source", "VotedAt" = EXCLUDED."VotedAt"
            """, cancellationToken);
        return new ArticleVote { ArticleId = articleId, ConversationId = conversationId, Helpful = helpful, Source = source, VotedAt = now };
    }
}

public static class FeedbackApi
{
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        var feedback = app.MapGroup("/api/v1/articles").WithTags("Feedback").RefuseInvalidTokens();

        feedback.MapPut("/{id:guid}/feedback", Vote)
            .WithName("VoteOnArticle")
            .WithSummary("Helpful or not, for an article in a conversation (the customer in the widget, or an agent): one vote per article and " +
                         "conversation; voting again changes it.");
        feedback.MapGet("/{id:guid}/feedback", GetSummary).RequireAuthorization(OmniPolicies.Editor)
            .WithName("GetArticleFeedback")
            .WithSummary("How many conversations found the article helpful and how many did not (editor).");
        feedback.MapGet("/feedback", ListSummaries).RequireAuthorization(OmniPolicies.Editor)
            .WithName("ListArticleFeedback")
            .WithSummary("Articles with votes, the most often unhelpful first (editor): what to rewrite.");
        return app;
    }

    private static async Task<Results<Ok<VoteDto>, NotFound, ValidationProblem>> Vote(
        Guid id, VoteRequest? request, ClaimsPrincipal user, ArticleFeedback feedback, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.ConversationId is not { } conversationId || conversationId == Guid.Empty) errors["conversationId"] = ["Required: the conversation the article was used in."];
        if (request?.Helpful is null) errors["helpful"] = ["Required: true or false."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var caller = Caller.From(user);
        var source = caller.SeesDrafts ? ArticleFeedback.Sources.Agent : ArticleFeedback.Sources.Customer;
        var vote = await feedback.VoteAsync(id, request!.ConversationId!.Value, request.Helpful!.Value, source, caller.SeesDrafts, cancellationToken);
        return vote is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new VoteDto(vote.ArticleId, vote.ConversationId, vote.Helpful, vote.Source, vote.VotedAt));
    }

    private static async Task<Results<Ok<FeedbackSummaryDto>, NotFound>> GetSummary(Guid id, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var summary = await Summaries(db, db.Articles.AsNoTracking().Where(a => a.Id == id)).FirstOrDefaultAsync(cancellationToken);
        return summary is null ? TypedResults.NotFound() : TypedResults.Ok(summary);
    }

    private static async Task<Results<Ok<FeedbackSummaryDto[]>, ValidationProblem>> ListSummaries(string? lang, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var language = string.IsNullOrWhiteSpace(lang) ? null : Languages.Normalize(lang);
        if (!string.IsNullOrWhiteSpace(lang) && language is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["lang"] = Languages.Unsupported(lang) });
        }
        var voted = db.Articles.AsNoTracking().Where(a => db.ArticleVotes.Any(v => v.ArticleId == a.Id));
        if (language is not null) voted = voted.Where(a => a.Language == language);
        var ordered = voted
            .OrderByDescending(a => db.ArticleVotes.Count(v => v.ArticleId == a.Id && !v.Helpful))
            .ThenBy(a => db.ArticleVotes.Count(v => v.ArticleId == a.Id && v.Helpful))
            .Take(500);
        return TypedResults.Ok(await Summaries(db, ordered).ToArrayAsync(cancellationToken));
    }

    private static IQueryable<FeedbackSummaryDto> Summaries(KnowledgeDbContext db, IQueryable<Article> articles) =>
        articles.Select(a => new FeedbackSummaryDto(a.Id, a.Language, a.Title,
            db.ArticleVotes.Count(v => v.ArticleId == a.Id && v.Helpful),
            db.ArticleVotes.Count(v => v.ArticleId == a.Id && !v.Helpful)));
}
