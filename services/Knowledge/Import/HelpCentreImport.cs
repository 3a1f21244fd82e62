using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Search;

namespace Omni.Knowledge.Import;

public sealed record ImportedArticleOutcome(Guid Id, string Language, string Slug, string Outcome);

/// <summary>What an import did: every article is created, updated (a new version) or unchanged.</summary>
public sealed record ImportResult(int Created, int Updated, int Unchanged, IReadOnlyList<ImportedArticleOutcome> Articles);

/// <summary>The import either happened whole, or not at all because of <see cref="Errors"/> (keyed by the article's name).</summary>
public sealed record ImportOutcome(ImportResult? Result, Dictionary<string, string[]>? Errors);

/// <summary>
/// Imports a whole help centre in one transaction: articles are matched by language and slug (created, or changed
/// with a new version, or left as they are, so importing twice changes nothing), translations linked by key. One bad
/// article refuses the whole import, naming the article and what is wrong.
/// </summary>
public sealed class HelpCentreImport(KnowledgeDbContext db, ArticleEditor editor, TimeProvider clock)
{
    public const int MaxArticles = 5_000;
    public const long MaxFileBytes = 1_000_000;
    public const long MaxTotalBytes = 50_000_000;

    /// <summary>Markdown files (path → content) from a zip archive; non-Markdown entries are skipped. Errors name the entry.</summary>
    public static (List<(string Path, string Content)> Files, string? Error) ReadZip(Stream zip)
    {
        var files = new List<(string, string)>();
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return (files, "Not a zip archive.");
        }
        using (archive)
        {
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                var path = entry.FullName.Replace('\\', '/');
                if (path.EndsWith('/') || !IsMarkdown(path) || path.Split('/').Any(s => s.StartsWith('.') || s == "__MACOSX")) continue;
                if (files.Count >= MaxArticles) return (files, $"At most {MaxArticles} articles in one import.");
                try
                {
                    // Read at most the limit, whatever the entry's header claims (a zip bomb lies there).
                    using var stream = entry.Open();
                    var (content, tooLarge) = ReadLimited(stream, MaxFileBytes);
                    if (tooLarge) return (files, $"{path}: larger than {MaxFileBytes / 1000} kB.");
                    total += content.Length;
                    if (total > MaxTotalBytes) return (files, $"The archive holds more than {MaxTotalBytes / 1_000_000} MB of Markdown.");
                    files.Add((path, content));
                }
                catch (InvalidDataException ex)
                {
                    return (files, $"{path}: cannot be read from the archive ({ex.Message}).");
                }
            }
        }
        return (files, null);
    }

    public static bool IsMarkdown(string path) =>
        path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    /// <summary>UTF-8 text of at most <paramref name="limit"/> bytes from a stream that is already in memory or an archive.</summary>
    public static (string Content, bool TooLarge) ReadLimited(Stream stream, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit) return ("", true);
            buffer.Write(chunk, 0, read);
        }
        return (Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), false);
    }

    /// <summary>Articles from a JSON document: <c>{"articles": [...]}</c> or a bare array, in the shape of the JSON export.</summary>
    public static (List<ImportedArticle> Articles, Dictionary<string, string[]> Errors) ReadJson(JsonElement document)
    {
        var articles = new List<ImportedArticle>();
        var errors = new Dictionary<string, string[]>();
        var list = document.ValueKind == JsonValueKind.Array ? document
            : document.ValueKind == JsonValueKind.Object && TryGet(document, "articles", out var inner) && inner.ValueKind == JsonValueKind.Array ? inner
            : default;
        if (list.ValueKind != JsonValueKind.Array)
        {
            errors["articles"] = ["Expected {\"articles\": [ … ]} or an array of articles."];
            return (articles, errors);
        }
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var name = $"articles[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors[name] = ["An article is a JSON object."];
                continue;
            }
            try
            {
                var translations = new Dictionary<string, string>(StringComparer.Ordinal);
                if (TryGet(item, "translations", out var t) && t.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in t.EnumerateObject()) if (p.Value.ValueKind == JsonValueKind.String) translations[p.Name.ToLowerInvariant()] = p.Value.GetString()!.ToLowerInvariant();
                }
                var slug = String(item, "slug");
                articles.Add(new ImportedArticle(
                    slug is null ? name : $"{name} ({slug})",
                    String(item, "language") ?? String(item, "lang"),
                    slug ?? (String(item, "title") is { } title ? ArticleRules.Slugify(title) : null),
                    String(item, "title"),
                    String(item, "body"),
                    TryGet(item, "tags", out var tags) && tags.ValueKind == JsonValueKind.Array ? tags.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : null,
                    String(item, "status") ?? "published",
                    String(item, "translationKey"),
                    translations));
            }
            catch (InvalidOperationException)
            {
                errors[name] = ["A field has the wrong type: language, slug, title, body, status and translationKey are strings, tags a list of strings."];
            }
        }
        return (articles, errors);
    }

    /// <summary>Checks every article, then writes them all in one transaction, or nothing.</summary>
    /// <param name="unreadable">Files that could not be read at all: reported together with what is wrong with the others.</param>
    public async Task<ImportOutcome> ImportAsync(
        IReadOnlyList<ImportedArticle> articles, Caller caller, CancellationToken cancellationToken, IReadOnlyDictionary<string, string[]>? unreadable = null)
    {
        var errors = new Dictionary<string, string[]>(unreadable ?? new Dictionary<string, string[]>());
        if (articles.Count == 0 && errors.Count > 0) return new ImportOutcome(null, errors);
        if (articles.Count == 0) return new ImportOutcome(null, new() { ["files"] = ["No articles found: give Markdown files (.md) or JSON."] });
        if (articles.Count > MaxArticles) return new ImportOutcome(null, new() { ["files"] = [$"At most {MaxArticles} articles in one import."] });

        var checkedArticles = new List<(ImportedArticle Source, string Language, string Slug, List<string> Tags, ArticleStatus Status, string? Key)>();
        foreach (var source in articles)
        {
            var fieldErrors = new Dictionary<string, string[]>();
            var language = Languages.Normalize(source.Language);
            if (language is null) fieldErrors["language"] = source.Language is null ? [$"Missing; one of: {string.Join(", ", Languages.Supported)} (front matter or folder)."] : Languages.Unsupported(source.Language);
            ArticleRules.CheckTitle(source.Title, fieldErrors, required: true);
            ArticleRules.CheckBody(source.Body, fieldErrors, required: true);
            var tags = ArticleRules.ReadTags(source.Tags, fieldErrors) ?? [];
            var status = ArticleRules.ReadStatus(source.Status, fieldErrors) ?? ArticleStatus.Published;
            var slug = ArticleRules.ReadKey(source.Slug, "slug", fieldErrors);
            var key = ArticleRules.ReadKey(source.TranslationKey, "translationKey", fieldErrors);
            foreach (var (lang, other) in source.Translations)
            {
                if (Languages.Normalize(lang) is null) fieldErrors["translations"] = Languages.Unsupported(lang);
                else ArticleRules.ReadKey(other, "translations", fieldErrors);
            }
            if (fieldErrors.Count > 0)
            {
                errors[source.Name] = fieldErrors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")).ToArray();
                continue;
            }
            checkedArticles.Add((source, language!, slug!, tags, status, key));
        }
        foreach (var duplicate in checkedArticles.GroupBy(a => (a.Language, a.Slug)).Where(g => g.Count() > 1))
        {
            foreach (var a in duplicate) errors[a.Source.Name] = [$"slug: '{a.Slug}' in {a.Language} is given by {string.Join(" and ", duplicate.Select(d => d.Source.Name))}."];
        }
        if (errors.Count > 0) return new ImportOutcome(null, errors);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Imports (and the shipped help centre at start-up) one at a time: two would race on the same slugs.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('knowledge-import'))", cancellationToken);

        var slugs = checkedArticles.Select(a => a.Language + "/" + a.Slug).ToList();
        var existing = (await db.Articles.Where(a => slugs.Contains(a.Language + "/" + a.Slug)).ToListAsync(cancellationToken))
            .ToDictionary(a => (a.Language, a.Slug));
        var keys = TranslationKeys(checkedArticles.Select(a => (a.Language, a.Slug, a.Key, a.Source.Translations)).ToList(), existing);

        foreach (var group in checkedArticles.GroupBy(a => (keys[(a.Language, a.Slug)], a.Language)).Where(g => g.Count() > 1))
        {
            foreach (var a in group) errors[a.Source.Name] = [$"translationKey: '{group.Key.Item1}' has more than one {a.Language} article in this import."];
        }
        var imported = checkedArticles.Select(a => (a.Language, a.Slug)).ToHashSet();
        var wantedKeys = keys.Values.Distinct().ToList();
        var holders = await db.Articles.AsNoTracking().Where(a => wantedKeys.Contains(a.TranslationKey))
            .Select(a => new { a.TranslationKey, a.Language, a.Slug }).ToListAsync(cancellationToken);
        foreach (var a in checkedArticles)
        {
            var key = keys[(a.Language, a.Slug)];
            var holder = holders.FirstOrDefault(h => h.TranslationKey == key && h.Language == a.Language && h.Slug != a.Slug && !imported.Contains((h.Language, h.Slug)));
            if (holder is not null) errors.TryAdd(a.Source.Name, [$"translationKey: '{key}' already has the {a.Language} article '{holder.Slug}'."]);
        }
        if (errors.Count > 0) return new ImportOutcome(null, errors);

        var outcomes = new List<ImportedArticleOutcome>();
        var now = clock.GetUtcNow();
        foreach (var a in checkedArticles)
        {
            var key = keys[(a.Language, a.Slug)];
            if (existing.TryGetValue((a.Language, a.Slug), out var article))
            {
                var change = editor.Apply(article, a.Source.Title, a.Source.Body, a.Tags, a.Status, null, key);
                if (change is null)
                {
                    outcomes.Add(new(article.Id, a.Language, a.Slug, "unchanged"));
                    continue;
                }
                editor.Stamp(article, caller);
                db.ArticleVersions.Add(ArticleEditor.VersionOf(article, "imported"));
                outcomes.Add(new(article.Id, a.Language, a.Slug, "updated"));
            }
            else
            {
                article = new Article
                {
                    Id = Guid.CreateVersion7(),
                    Language = a.Language,
                    Slug = a.Slug,
                    TranslationKey = key,
                    Title = a.Source.Title!.Trim(),
                    Body = a.Source.Body!,
                    PlainText = ArticleMarkdown.ToPlainText(a.Source.Body!),
                    Tags = a.Tags,
                    Status = a.Status,
                    Version = 1,
                    CreatedAt = now,
                    UpdatedAt = now,
                    PublishedAt = a.Status == ArticleStatus.Published ? now : null,
                    UpdatedById = caller.AgentId,
                    UpdatedByName = caller.Name,
                };
                db.Articles.Add(article);
                db.ArticleVersions.Add(ArticleEditor.VersionOf(article, "imported"));
                outcomes.Add(new(article.Id, a.Language, a.Slug, "created"));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var language in checkedArticles.Select(a => a.Language).Distinct())
        {
            await SearchVocabulary.RebuildAsync(db, language, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new ImportOutcome(new ImportResult(
            outcomes.Count(o => o.Outcome == "created"), outcomes.Count(o => o.Outcome == "updated"), outcomes.Count(o => o.Outcome == "unchanged"), outcomes), null);
    }

    /// <summary>
    /// Which translation key each imported article gets: articles named as each other's translations (either way) form
    /// one group; its key is one given in the group, else the one an existing member has, else the first slug.
    /// </summary>
    private static Dictionary<(string Language, string Slug), string> TranslationKeys(
        List<(string Language, string Slug, string? Key, IReadOnlyDictionary<string, string> Translations)> articles,
        Dictionary<(string, string), Article> existing)
    {
        var parent = new Dictionary<(string, string), (string, string)>();
        (string, string) Find((string, string) x)
        {
            while (parent.TryGetValue(x, out var p) && p != x) x = p;
            return x;
        }
        void Union((string, string) a, (string, string) b)
        {
            parent.TryAdd(a, a);
            parent.TryAdd(b, b);
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb) parent[rb] = ra;
        }
        foreach (var a in articles)
        {
            parent.TryAdd((a.Language, a.Slug), (a.Language, a.Slug));
            foreach (var (language, slug) in a.Translations) Union((a.Language, a.Slug), (Languages.Normalize(language)!, slug));
        }
        // Articles that give the same key are one group too.
        foreach (var same in articles.Where(a => a.Key is not null).GroupBy(a => a.Key))
        {
            var first = same.First();
            foreach (var a in same.Skip(1)) Union((first.Language, first.Slug), (a.Language, a.Slug));
        }

        var keys = new Dictionary<(string, string), string>();
        foreach (var group in articles.GroupBy(a => Find((a.Language, a.Slug))))
        {
            var key = group.Select(a => a.Key).FirstOrDefault(k => k is not null)
                ?? group.Select(a => existing.TryGetValue((a.Language, a.Slug), out var e) ? e.TranslationKey : null).FirstOrDefault(k => k is not null)
                ?? group.OrderBy(a => a.Language == "en" ? 0 : 1).ThenBy(a => a.Slug, StringComparer.Ordinal).First().Slug;
            foreach (var a in group) keys[(a.Language, a.Slug)] = key;
        }
        return keys;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string? String(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;
}
