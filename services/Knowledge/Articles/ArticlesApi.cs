using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Articles;

public sealed record ArticleRequest(string? Language, string? Title, string? Body, string[]? Tags, string? Status);

public sealed record ArticleDto(
    Guid Id, string Language, string Title, string Body, IReadOnlyList<string> Tags, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ArticlePage(IReadOnlyList<ArticleDto> Items, int Page, int PageSize, int Total);

public static class ArticlesApi
{
    private const int MaxTitle = 300;
    private const int MaxBody = 100_000;
    private const int MaxTags = 20;

    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder app)
    {
        var articles = app.MapGroup("/api/v1/articles").WithTags("Articles");

        articles.MapPost("/", CreateArticle).WithName("CreateArticle").WithSummary("Adds an article (draft unless status is published).");
        articles.MapGet("/{id:guid}", GetArticle).WithName("GetArticle").WithSummary("One article.");
        articles.MapGet("/", ListArticles).WithName("ListArticles").WithSummary("Articles by language and status, most recently updated first, paged.");
        return app;
    }

    private static async Task<Results<Created<ArticleDto>, ValidationProblem>> CreateArticle(
        ArticleRequest request, KnowledgeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var language = request.Language?.Trim().ToLowerInvariant();
        if (language is null || !Languages.Supported.Contains(language)) errors["language"] = [$"One of: {string.Join(", ", Languages.Supported)}."];
        if (string.IsNullOrWhiteSpace(request.Title)) errors["title"] = ["Required."];
        else if (request.Title.Length > MaxTitle) errors["title"] = [$"At most {MaxTitle} characters."];
        if (string.IsNullOrWhiteSpace(request.Body)) errors["body"] = ["Required."];
        else if (request.Body.Length > MaxBody) errors["body"] = [$"At most {MaxBody} characters."];
        if (request.Tags is { Length: > MaxTags }) errors["tags"] = [$"At most {MaxTags} tags."];
        else if (request.Tags?.Any(string.IsNullOrWhiteSpace) == true) errors["tags"] = ["Tags may not be blank."];
        var status = ArticleStatus.Draft;
        if (request.Status is not null && !Enum.TryParse(request.Status, ignoreCase: true, out status)) errors["status"] = ["draft or published."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = clock.GetUtcNow();
        var article = new Article
        {
            Id = Guid.CreateVersion7(),
            Language = language!,
            Title = request.Title!.Trim(),
            Body = request.Body!,
            Tags = request.Tags?.Select(t => t.Trim().ToLowerInvariant()).Distinct().ToList() ?? [],
            Status = status,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Articles.Add(article);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/articles/{article.Id}", ToDto(article));
    }

    private static async Task<Results<Ok<ArticleDto>, NotFound>> GetArticle(Guid id, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return article is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(article));
    }

    private static async Task<Results<Ok<ArticlePage>, ValidationProblem>> ListArticles(
        string? language, string? status, int? page, int? pageSize, KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (language is not null && !Languages.Supported.Contains(language)) errors["language"] = [$"One of: {string.Join(", ", Languages.Supported)}."];
        ArticleStatus parsed = default;
        if (status is not null && !Enum.TryParse(status, ignoreCase: true, out parsed)) errors["status"] = ["draft or published."];
        var (p, size) = (page ?? 1, pageSize ?? 20);
        if (p < 1) errors["page"] = ["From 1."];
        if (size is < 1 or > 100) errors["pageSize"] = ["From 1 to 100."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = db.Articles.AsNoTracking();
        if (language is not null) query = query.Where(a => a.Language == language);
        if (status is not null) query = query.Where(a => a.Status == parsed);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.UpdatedAt).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ArticlePage(items.Select(ToDto).ToList(), p, size, total));
    }

    internal static ArticleDto ToDto(Article a) =>
        new(a.Id, a.Language, a.Title, a.Body, a.Tags, a.Status.ToString().ToLowerInvariant(), a.CreatedAt, a.UpdatedAt);
}
