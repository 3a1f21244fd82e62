using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Search;

public sealed record SearchGapDto(
    string Language, string Query, string Key, int Count, int SearchCount, int QuestionCount, double BestConfidence, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

public sealed record SearchGapPage(IReadOnlyList<SearchGapDto> Items, int Page, int PageSize, int Total);

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/articles/search", Search)
            .WithTags("Search")
            .RefuseInvalidTokens()
            .WithName("SearchArticles")
            .WithSummary("Full-text search, forgiving of typos: q (1-200 characters), lang (nl, en; none searches both), tag (repeatable: all must hold), " +
                         "page, pageSize (up to 50). Snippets mark the words found with <mark> and carry no other markup. Customers find published articles only.");

        app.MapGet("/api/v1/search-gaps", ListGaps)
            .WithTags("Search")
            .RequireAuthorization(OmniPolicies.Editor)
            .WithName("ListSearchGaps")
            .WithSummary("The gap report (editor): searches and customers' questions no article answered well, grouped by their normalised words, " +
                         "most frequent first; lang filters, since (an ISO time) leaves out those not seen since.");
        return app;
    }

    private static async Task<Results<Ok<SearchResult>, ValidationProblem>> Search(
        string? q, string? lang, string[]? tag, int? page, int? pageSize, ClaimsPrincipal user, ArticleSearch search, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (SearchQuery.Problem(q) is { } problem) errors["q"] = [problem];
        var language = string.IsNullOrWhiteSpace(lang) ? null : Languages.Normalize(lang);
        if (!string.IsNullOrWhiteSpace(lang) && language is null) errors["lang"] = Languages.Unsupported(lang);
        var (p, size) = (page ?? 1, pageSize ?? ArticleSearch.DefaultPageSize);
        if (p is < 1 or > ArticleSearch.MaxPage) errors["page"] = [$"From 1 to {ArticleSearch.MaxPage}."];
        if (size is < 1 or > ArticleSearch.MaxPageSize) errors["pageSize"] = [$"From 1 to {ArticleSearch.MaxPageSize}."];
        var tags = tag?.Where(t => !string.IsNullOrWhiteSpace(t)).ToArray() ?? [];
        if (tags.Length > 10 || tags.Any(t => t.Length > ArticleRules.MaxTagLength)) errors["tag"] = [$"At most 10 tags of at most {ArticleRules.MaxTagLength} characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var caller = Caller.From(user);
        return TypedResults.Ok(await search.SearchAsync(q!, language, caller.Audience, tags, p, size, SearchKind.Search, countGap: true, cancellationToken));
    }

    private static async Task<Results<Ok<SearchGapPage>, ValidationProblem>> ListGaps(
        string? lang, DateTimeOffset? since, int? page, int? pageSize, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var language = string.IsNullOrWhiteSpace(lang) ? null : Languages.Normalize(lang);
        if (!string.IsNullOrWhiteSpace(lang) && language is null) errors["lang"] = Languages.Unsupported(lang);
        var (p, size) = (page ?? 1, pageSize ?? 50);
        if (p < 1) errors["page"] = ["From 1."];
        if (size is < 1 or > 200) errors["pageSize"] = ["From 1 to 200."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = db.SearchGaps.AsNoTracking();
        if (language is not null) query = query.Where(g => g.Language == language);
        if (since is { } s) query = query.Where(g => g.LastSeenAt >= s);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(g => g.Count).ThenByDescending(g => g.LastSeenAt).Skip((p - 1) * size).Take(size)
            .Select(g => new SearchGapDto(g.Language, g.Query, g.Key, g.Count, g.SearchCount, g.QuestionCount, g.BestConfidence, g.FirstSeenAt, g.LastSeenAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new SearchGapPage(items, p, size, total));
    }
}
