using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Knowledge.Data;
using Omni.Knowledge.Search;

namespace Omni.Knowledge.Articles;

/// <summary>What a write to the article store came to.</summary>
public abstract record EditOutcome
{
    public sealed record Saved(Article Article, bool Changed) : EditOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : EditOutcome;

    public sealed record NotFound : EditOutcome;

    public sealed record Conflict(string Detail) : EditOutcome;
}

/// <summary>
/// Every change to articles goes through here: checks, slug and translation key, a new version with its author and
/// time for every change (the old ones stay readable), and the search vocabulary, all in one transaction.
/// </summary>
public sealed class ArticleEditor(KnowledgeDbContext db, TimeProvider clock)
{
    public async Task<EditOutcome> CreateAsync(ArticleInput input, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var language = Languages.Normalize(input.Language);
        if (language is null) errors["language"] = input.Language is null ? [$"Required; one of: {string.Join(", ", Languages.Supported)}."] : Languages.Unsupported(input.Language);
        ArticleRules.CheckTitle(input.Title, errors, required: true);
        ArticleRules.CheckBody(input.Body, errors, required: true);
        var tags = ArticleRules.ReadTags(input.Tags, errors) ?? [];
        var status = ArticleRules.ReadStatus(input.Status, errors) ?? ArticleStatus.Draft;
        var slug = ArticleRules.ReadKey(input.Slug, "slug", errors);
        var key = ArticleRules.ReadKey(input.TranslationKey, "translationKey", errors);
        if (errors.Count > 0) return new EditOutcome.Invalid(errors);

        if (input.TranslationOf is { } original)
        {
            var of = await db.Articles.AsNoTracking().Where(a => a.Id == original).Select(a => new { a.TranslationKey }).FirstOrDefaultAsync(cancellationToken);
            if (of is null) return Invalid("translationOf", "No such article.");
            key = of.TranslationKey;
        }
        if (slug is not null && await db.Articles.AnyAsync(a => a.Language == language && a.Slug == slug, cancellationToken))
        {
            return new EditOutcome.Conflict($"An article '{slug}' exists in {language}.");
        }
        slug ??= await FreeSlugAsync(language!, ArticleRules.Slugify(input.Title!), cancellationToken);
        key ??= await FreeKeyAsync(slug, cancellationToken);
        if (await db.Articles.AnyAsync(a => a.TranslationKey == key && a.Language == language, cancellationToken))
        {
            return new EditOutcome.Conflict($"The translation '{key}' has an article in {language} already.");
        }

        var now = clock.GetUtcNow();
        var article = new Article
        {
            Id = Guid.CreateVersion7(),
            Language = language!,
            Slug = slug,
            TranslationKey = key,
            Title = input.Title!.Trim(),
            Body = input.Body!,
            PlainText = ArticleMarkdown.ToPlainText(input.Body!),
            Tags = tags,
            Status = status,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            PublishedAt = status == ArticleStatus.Published ? now : null,
            UpdatedById = caller.AgentId,
            UpdatedByName = caller.Name,
        };
        db.Articles.Add(article);
        db.ArticleVersions.Add(VersionOf(article, "created"));
        return await SaveAsync(article, "", cancellationToken);
    }

    public async Task<EditOutcome> UpdateAsync(Guid id, ArticleInput input, int? expectedVersion, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Language is not null) errors["language"] = ["An article's language does not change; add a translation instead."];
        ArticleRules.CheckTitle(input.Title, errors, required: false);
        ArticleRules.CheckBody(input.Body, errors, required: false);
        var tags = ArticleRules.ReadTags(input.Tags, errors);
        var status = ArticleRules.ReadStatus(input.Status, errors);
        var slug = ArticleRules.ReadKey(input.Slug, "slug", errors);
        var key = ArticleRules.ReadKey(input.TranslationKey, "translationKey", errors);
        if (errors.Count > 0) return new EditOutcome.Invalid(errors);

        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (article is null) return new EditOutcome.NotFound();
        if (expectedVersion is { } expected && expected != article.Version)
        {
            return new EditOutcome.Conflict($"The article is at version {article.Version}, not {expected}: someone saved it meanwhile.");
        }
        if (input.TranslationOf is { } original)
        {
            var of = await db.Articles.AsNoTracking().Where(a => a.Id == original).Select(a => new { a.TranslationKey }).FirstOrDefaultAsync(cancellationToken);
            if (of is null) return Invalid("translationOf", "No such article.");
            key = of.TranslationKey;
        }
        if (slug is not null && slug != article.Slug && await db.Articles.AnyAsync(a => a.Language == article.Language && a.Slug == slug, cancellationToken))
        {
            return new EditOutcome.Conflict($"An article '{slug}' exists in {article.Language}.");
        }
        if (key is not null && key != article.TranslationKey
            && await db.Articles.AnyAsync(a => a.TranslationKey == key && a.Language == article.Language, cancellationToken))
        {
            return new EditOutcome.Conflict($"The translation '{key}' has an article in {article.Language} already.");
        }

        var before = SearchVocabulary.Contribution(article);
        var change = Apply(article, input.Title, input.Body, tags, status, slug, key);
        if (change is null) return new EditOutcome.Saved(article, Changed: false);
        Stamp(article, caller);
        db.ArticleVersions.Add(VersionOf(article, change));
        return await SaveAsync(article, before, cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (article is null) return false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Articles.Remove(article);
        await db.SaveChangesAsync(cancellationToken);
        await SearchVocabulary.ApplyAsync(db, article.Language, SearchVocabulary.Contribution(article), "", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Applies the given fields; returns what kind of change it was (for the version history), or null when nothing
    /// differs. Used by imports too.
    /// </summary>
    internal string? Apply(Article article, string? title, string? body, List<string>? tags, ArticleStatus? status, string? slug, string? key)
    {
        var changed = false;
        if (title is not null && title.Trim() != article.Title) { article.Title = title.Trim(); changed = true; }
        if (body is not null && body != article.Body) { article.Body = body; article.PlainText = ArticleMarkdown.ToPlainText(body); changed = true; }
        if (tags is not null && !tags.SequenceEqual(article.Tags)) { article.Tags = tags; changed = true; }
        if (slug is not null && slug != article.Slug) { article.Slug = slug; changed = true; }
        if (key is not null && key != article.TranslationKey) { article.TranslationKey = key; changed = true; }
        string? statusChange = null;
        if (status is { } s && s != article.Status)
        {
            article.Status = s;
            statusChange = s == ArticleStatus.Published ? "published" : "unpublished";
        }
        return statusChange ?? (changed ? "edited" : null);
    }

    internal void Stamp(Article article, Caller caller)
    {
        var now = clock.GetUtcNow();
        article.Version++;
        article.UpdatedAt = now;
        article.UpdatedById = caller.AgentId;
        article.UpdatedByName = caller.Name;
        if (article.Status == ArticleStatus.Published && article.PublishedAt is null) article.PublishedAt = now;
        if (article.Status == ArticleStatus.Draft) article.PublishedAt = null;
    }

    internal static ArticleVersion VersionOf(Article article, string change) => new()
    {
        ArticleId = article.Id,
        Version = article.Version,
        Title = article.Title,
        Body = article.Body,
        Tags = [.. article.Tags],
        Status = article.Status,
        SavedAt = article.UpdatedAt,
        AuthorId = article.UpdatedById,
        AuthorName = article.UpdatedByName,
        Change = change,
    };

    private async Task<EditOutcome> SaveAsync(Article article, string vocabularyBefore, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await SearchVocabulary.ApplyAsync(db, article.Language, vocabularyBefore, SearchVocabulary.Contribution(article), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            db.ChangeTracker.Clear();
            // A concurrent save took the slug, the translation's language or this version number a moment ago.
            return new EditOutcome.Conflict(unique.ConstraintName?.Contains("Version", StringComparison.Ordinal) == true || unique.TableName == "article_versions"
                ? "Someone saved this article meanwhile; load it again."
                : "Another article took this slug or this translation's language meanwhile.");
        }
        return new EditOutcome.Saved(article, Changed: true);
    }

    private async Task<string> FreeSlugAsync(string language, string wanted, CancellationToken cancellationToken)
    {
        var taken = await db.Articles.Where(a => a.Language == language && (a.Slug == wanted || a.Slug.StartsWith(wanted + "-")))
            .Select(a => a.Slug).ToListAsync(cancellationToken);
        if (!taken.Contains(wanted)) return wanted;
        for (var n = 2; ; n++)
        {
            if (!taken.Contains($"{wanted}-{n}")) return $"{wanted}-{n}";
        }
    }

    // A new article starts its own translation group, named after its slug unless another group has that name.
    private async Task<string> FreeKeyAsync(string slug, CancellationToken cancellationToken)
    {
        var taken = await db.Articles.Where(a => a.TranslationKey == slug || a.TranslationKey.StartsWith(slug + "-"))
            .Select(a => a.TranslationKey).Distinct().ToListAsync(cancellationToken);
        if (!taken.Contains(slug)) return slug;
        for (var n = 2; ; n++)
        {
            if (!taken.Contains($"{slug}-{n}")) return $"{slug}-{n}";
        }
    }

    private static EditOutcome.Invalid Invalid(string field, string reason) => new(new Dictionary<string, string[]> { [field] = [reason] });
}
