using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Articles;

public sealed record CreateArticleRequest(
    string? Language, string? Title, string? Body, string[]? Tags, string? Status, string? Slug, string? TranslationKey, Guid? TranslationOf);

/// <summary>A change to an article: what is left out stays; <c>expectedVersion</c> refuses to overwrite someone else's save.</summary>
public sealed record UpdateArticleRequest(
    string? Language, string? Title, string? Body, string[]? Tags, string? Status, string? Slug, string? TranslationKey, Guid? TranslationOf, int? ExpectedVersion);

public sealed record AuthorDto(Guid? Id, string? Name);

public sealed record TranslationDto(Guid Id, string Language, string Slug, string Title, string Status);

public sealed record ArticleDto(
    Guid Id, string Language, string Slug, string TranslationKey, string Title, string Body, string Html, IReadOnlyList<string> Tags,
    string Status, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, AuthorDto? UpdatedBy,
    IReadOnlyList<TranslationDto> Translations);

public sealed record ArticleSummaryDto(
    Guid Id, string Language, string Slug, string TranslationKey, string Title, IReadOnlyList<string> Tags, string Status, int Version, DateTimeOffset UpdatedAt);

public sealed record ArticlePage(IReadOnlyList<ArticleSummaryDto> Items, int Page, int PageSize, int Total);

public sealed record ArticleVersionDto(
    Guid ArticleId, int Version, string Title, string Body, string Html, IReadOnlyList<string> Tags, string Status, DateTimeOffset SavedAt, AuthorDto Author, string Change);

public sealed record ArticleVersionSummaryDto(int Version, string Title, string Status, DateTimeOffset SavedAt, AuthorDto Author, string Change);

public static class ArticlesApi
{
    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        var articles = app.MapGroup("/api/v1/articles").WithTags("Articles").RefuseInvalidTokens();

        articles.MapPost("/", CreateArticle).RequireAuthorization(OmniPolicies.Editor)
            .WithName("CreateArticle")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Adds an article (editor): draft unless status is published; translationOf links it to another article's translations.");
        articles.MapGet("/{id:guid}", GetArticle)
            .WithName("GetArticle")
            .WithSummary("One article with its sanitised HTML and its translations. Customers see published articles only.");
        articles.MapGet("/by-slug/{language}/{slug}", GetArticleBySlug)
            .WithName("GetArticleBySlug")
            .WithSummary("One article by its language and slug, as a help-centre page addresses it.");
        articles.MapGet("/", ListArticles)
            .WithName("ListArticles")
            .WithSummary("Articles by language, tag and status (status for agents), most recently updated first, paged.");
        articles.MapPatch("/{id:guid}", UpdateArticle).RequireAuthorization(OmniPolicies.Editor)
            .WithName("UpdateArticle")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Changes an article (editor); every change is a new version, the old ones stay readable. status publishes or unpublishes.");
        articles.MapDelete("/{id:guid}", DeleteArticle).RequireAuthorization(OmniPolicies.Editor)
            .WithName("DeleteArticle")
            .WithSummary("Removes an article with its history (editor). To take it off the help centre but keep it, set status draft.");
        articles.MapGet("/{id:guid}/versions", ListVersions).RequireAuthorization(OmniPolicies.Agent)
            .WithName("ListArticleVersions")
            .WithSummary("Every saved version of an article, newest first, with author, time and what changed.");
        articles.MapGet("/{id:guid}/versions/{version:int}", GetVersion).RequireAuthorization(OmniPolicies.Agent)
            .WithName("GetArticleVersion")
            .WithSummary("One version of an article as it was saved.");
        return app;
    }

    private static async Task<Results<Created<ArticleDto>, ValidationProblem, ProblemHttpResult>> CreateArticle(
        CreateArticleRequest? request, ClaimsPrincipal user, ArticleEditor editor, KnowledgeDbContext db, ArticleMarkdown markdown, CancellationToken cancellationToken)
    {
        if (request is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["An article is required."] });
        var input = new ArticleInput(request.Language, request.Title, request.Body, request.Tags, request.Status, request.Slug, request.TranslationKey, request.TranslationOf);
        var caller = Caller.From(user);
        return await editor.CreateAsync(input, caller, cancellationToken) switch
        {
            EditOutcome.Saved saved => TypedResults.Created($"/api/v1/articles/{saved.Article.Id}", await ToDtoAsync(db, markdown, saved.Article, caller, cancellationToken)),
            EditOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            EditOutcome.Conflict conflict => Conflict(conflict.Detail),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}"),
        };
    }

    private static async Task<Results<Ok<ArticleDto>, NotFound>> GetArticle(
        Guid id, ClaimsPrincipal user, KnowledgeDbContext db, ArticleMarkdown markdown, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var article = await Visible(db, caller).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return article is null ? TypedResults.NotFound() : TypedResults.Ok(await ToDtoAsync(db, markdown, article, caller, cancellationToken));
    }

    private static async Task<Results<Ok<ArticleDto>, NotFound, ValidationProblem>> GetArticleBySlug(
        string language, string slug, ClaimsPrincipal user, KnowledgeDbContext db, ArticleMarkdown markdown, CancellationToken cancellationToken)
    {
        var code = Languages.Normalize(language);
        if (code is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["language"] = Languages.Unsupported(language) });
        var caller = Caller.From(user);
        var wanted = slug.Trim().ToLowerInvariant();
        var article = await Visible(db, caller).FirstOrDefaultAsync(a => a.Language == code && a.Slug == wanted, cancellationToken);
        return article is null ? TypedResults.NotFound() : TypedResults.Ok(await ToDtoAsync(db, markdown, article, caller, cancellationToken));
    }

    private static async Task<Results<Ok<ArticlePage>, ValidationProblem>> ListArticles(
        string? language, string? status, string? tag, int? page, int? pageSize, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = language is null ? null : Languages.Normalize(language);
        if (language is not null && code is null) errors["language"] = Languages.Unsupported(language);
        var caller = Caller.From(user);
        ArticleStatus? wantedStatus = ArticleRules.ReadStatus(status, errors);
        if (wantedStatus == ArticleStatus.Draft && !caller.SeesDrafts) errors["status"] = ["Drafts are for signed-in agents."];
        var (p, size) = (page ?? 1, pageSize ?? 20);
        if (p < 1) errors["page"] = ["From 1."];
        if (size is < 1 or > 100) errors["pageSize"] = ["From 1 to 100."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = Visible(db, caller);
        if (code is not null) query = query.Where(a => a.Language == code);
        if (wantedStatus is { } s) query = query.Where(a => a.Status == s);
        if (!string.IsNullOrWhiteSpace(tag))
        {
            var t = tag.Trim().ToLowerInvariant();
            query = query.Where(a => a.Tags.Contains(t));
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id).Skip((p - 1) * size).Take(size)
            .Select(a => new ArticleSummaryDto(a.Id, a.Language, a.Slug, a.TranslationKey, a.Title, a.Tags, a.Status == ArticleStatus.Published ? "published" : "draft", a.Version, a.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ArticlePage(items, p, size, total));
    }

    private static async Task<Results<Ok<ArticleDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateArticle(
        Guid id, UpdateArticleRequest? request, ClaimsPrincipal user, ArticleEditor editor, KnowledgeDbContext db, ArticleMarkdown markdown, CancellationToken cancellationToken)
    {
        if (request is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A change is required."] });
        var input = new ArticleInput(request.Language, request.Title, request.Body, request.Tags, request.Status, request.Slug, request.TranslationKey, request.TranslationOf);
        var caller = Caller.From(user);
        return await editor.UpdateAsync(id, input, request.ExpectedVersion, caller, cancellationToken) switch
        {
            EditOutcome.Saved saved => TypedResults.Ok(await ToDtoAsync(db, markdown, saved.Article, caller, cancellationToken)),
            EditOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            EditOutcome.Conflict conflict => Conflict(conflict.Detail),
            EditOutcome.NotFound => TypedResults.NotFound(),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}"),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteArticle(Guid id, ArticleEditor editor, CancellationToken cancellationToken) =>
        await editor.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<ArticleVersionSummaryDto[]>, NotFound>> ListVersions(Guid id, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Articles.AnyAsync(a => a.Id == id, cancellationToken)) return TypedResults.NotFound();
        var versions = await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Version)
            .Select(v => new ArticleVersionSummaryDto(v.Version, v.Title, v.Status == ArticleStatus.Published ? "published" : "draft", v.SavedAt,
                new AuthorDto(v.AuthorId, v.AuthorName), v.Change))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(versions);
    }

    private static async Task<Results<Ok<ArticleVersionDto>, NotFound>> GetVersion(
        Guid id, int version, KnowledgeDbContext db, ArticleMarkdown markdown, CancellationToken cancellationToken)
    {
        var v = await db.ArticleVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ArticleId == id && v.Version == version, cancellationToken);
        return v is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new ArticleVersionDto(v.ArticleId, v.Version, v.Title, v.Body, markdown.ToHtml(v.Body), v.Tags, Wire(v.Status), v.SavedAt,
                new AuthorDto(v.AuthorId, v.AuthorName), v.Change));
    }

    /// <summary>The articles <paramref name="caller"/> may read: customers only published ones.</summary>
    internal static IQueryable<Article> Visible(KnowledgeDbContext db, Caller caller) =>
        caller.SeesDrafts ? db.Articles.AsNoTracking() : db.Articles.AsNoTracking().Where(a => a.Status == ArticleStatus.Published);

    internal static string Wire(ArticleStatus status) => status == ArticleStatus.Published ? "published" : "draft";

    internal static async Task<ArticleDto> ToDtoAsync(KnowledgeDbContext db, ArticleMarkdown markdown, Article a, Caller caller, CancellationToken cancellationToken)
    {
        var translations = await Visible(db, caller)
            .Where(t => t.TranslationKey == a.TranslationKey && t.Id != a.Id)
            .OrderBy(t => t.Language)
            .Select(t => new TranslationDto(t.Id, t.Language, t.Slug, t.Title, t.Status == ArticleStatus.Published ? "published" : "draft"))
            .ToListAsync(cancellationToken);
        return new ArticleDto(a.Id, a.Language, a.Slug, a.TranslationKey, a.Title, a.Body, markdown.ToHtml(a.Body), a.Tags, Wire(a.Status), a.Version,
            a.CreatedAt, a.UpdatedAt, a.PublishedAt, caller.SeesDrafts ? new AuthorDto(a.UpdatedById, a.UpdatedByName) : null, translations);
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict);
}
