using System.Globalization;
using System.Text;
using Omni.Knowledge.Articles;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Omni.Knowledge.Import;

/// <summary>One article read from a file or a JSON document, before it is checked against the store.</summary>
/// <param name="Name">How the import names it in an error: the file's path, or "articles[3]".</param>
public sealed record ImportedArticle(
    string Name, string? Language, string? Slug, string? Title, string? Body, IReadOnlyList<string>? Tags, string? Status, string? TranslationKey,
    IReadOnlyDictionary<string, string> Translations);

/// <summary>
/// Help-centre articles as Markdown files with YAML front matter, as exported and as other help centres write them:
/// <c>title</c>, <c>slug</c>, <c>language</c> (or <c>lang</c>, <c>locale</c>, or the folder: <c>nl/…</c>),
/// <c>tags</c> (a list or "a, b"), <c>status</c> (draft or published; or <c>draft: true</c>, <c>published: false</c>),
/// <c>translationKey</c> (or <c>translation</c>, <c>group</c>) and/or <c>translations: { en: other-slug }</c>.
/// Without a title the first "# heading" is the title; without a slug the file name is; without a status an
/// imported article is published.
/// </summary>
public static class HelpCentreFiles
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    private static readonly ISerializer YamlWriter = new SerializerBuilder().Build();

    /// <summary>Reads one file; <paramref name="error"/> says what is wrong with it.</summary>
    public static ImportedArticle? Parse(string path, string content, out string? error)
    {
        error = null;
        var text = content.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        Dictionary<string, object?> front = new(StringComparer.OrdinalIgnoreCase);
        var body = text;
        if (text.StartsWith("---\n", StringComparison.Ordinal) || text == "---")
        {
            var (end, after) = FindFrontMatterEnd(text);
            if (end < 0)
            {
                error = "The front matter opened with --- is never closed with ---.";
                return null;
            }
            var yaml = text[Math.Min(4, end)..end];
            body = text[after..];
            try
            {
                var parsed = Yaml.Deserialize<Dictionary<object, object?>>(yaml);
                if (parsed is not null) foreach (var (k, v) in parsed) front[Convert.ToString(k, CultureInfo.InvariantCulture) ?? ""] = v;
            }
            catch (YamlException ex)
            {
                error = $"The front matter is not valid YAML (line {ex.Start.Line}): {ex.InnerException?.Message ?? ex.Message}";
                return null;
            }
            catch (InvalidCastException)
            {
                error = "The front matter must be a YAML mapping (key: value lines).";
                return null;
            }
        }

        var title = Scalar(front, "title");
        if (title is null)
        {
            // A Markdown file of another help centre often carries its title as the first heading.
            var lines = body.TrimStart('\n').Split('\n');
            if (lines.Length > 0 && lines[0].StartsWith("# ", StringComparison.Ordinal))
            {
                title = lines[0][2..].Trim();
                body = string.Join('\n', lines.Skip(1));
            }
        }

        var fileName = Path.GetFileNameWithoutExtension(path);
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var language = Scalar(front, "language") ?? Scalar(front, "lang") ?? Scalar(front, "locale");
        var dot = fileName.LastIndexOf('.');
        if (language is null && dot > 0 && Languages.Normalize(fileName[(dot + 1)..]) is { } suffix)
        {
            language = suffix; // faq.nl.md
        }
        if (dot > 0 && Languages.Normalize(fileName[(dot + 1)..]) is not null) fileName = fileName[..dot];
        language ??= segments.Reverse().Skip(1).FirstOrDefault(s => Languages.Normalize(s) is not null);

        string? status = Scalar(front, "status") ?? Scalar(front, "state");
        if (status is null && Scalar(front, "draft") is { } draft) status = IsTrue(draft) ? "draft" : "published";
        if (status is null && Scalar(front, "published") is { } published) status = IsTrue(published) ? "published" : "draft";

        var translations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (front.TryGetValue("translations", out var map) && map is Dictionary<object, object?> given)
        {
            foreach (var (k, v) in given)
            {
                if (Convert.ToString(k, CultureInfo.InvariantCulture) is { } lang && Convert.ToString(v, CultureInfo.InvariantCulture) is { Length: > 0 } slug)
                {
                    translations[lang.Trim().ToLowerInvariant()] = slug.Trim().ToLowerInvariant();
                }
            }
        }

        return new ImportedArticle(
            path,
            language,
            Scalar(front, "slug") ?? ArticleRules.Slugify(fileName),
            title,
            body.Trim('\n'),
            List(front, "tags") ?? List(front, "keywords") ?? List(front, "labels"),
            status ?? "published",
            Scalar(front, "translationKey") ?? Scalar(front, "translation_key") ?? Scalar(front, "translation") ?? Scalar(front, "translationGroup") ?? Scalar(front, "group"),
            translations);
    }

    /// <summary>An article as a Markdown file with front matter; reading it back gives the same article.</summary>
    public static string Write(Article article)
    {
        var front = new Dictionary<string, object>
        {
            ["title"] = article.Title,
            ["slug"] = article.Slug,
            ["language"] = article.Language,
            ["translationKey"] = article.TranslationKey,
            ["tags"] = article.Tags,
            ["status"] = ArticlesApi.Wire(article.Status),
        };
        var builder = new StringBuilder();
        builder.Append("---\n").Append(YamlWriter.Serialize(front).Replace("\r\n", "\n", StringComparison.Ordinal)).Append("---\n\n");
        builder.Append(article.Body.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n')).Append('\n');
        return builder.ToString();
    }

    /// <summary>Where the closing --- (or ...) line starts and where the body after it starts; (-1, -1) when there is none.</summary>
    private static (int End, int After) FindFrontMatterEnd(string text)
    {
        var index = 4;
        while (index < text.Length)
        {
            var lineEnd = text.IndexOf('\n', index);
            var line = lineEnd < 0 ? text[index..] : text[index..lineEnd];
            if (line.TrimEnd() is "---" or "...") return (index, lineEnd < 0 ? text.Length : lineEnd + 1);
            if (lineEnd < 0) break;
            index = lineEnd + 1;
        }
        return (-1, -1);
    }

    private static string? Scalar(Dictionary<string, object?> front, string key) =>
        front.TryGetValue(key, out var value) && value is not null and not IEnumerable<object?> and not IDictionary<object, object?>
            ? Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim()
            : null;

    private static List<string>? List(Dictionary<string, object?> front, string key)
    {
        if (!front.TryGetValue(key, out var value) || value is null) return null;
        if (value is string text) return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (value is IEnumerable<object?> items) return items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture) ?? "").ToList();
        return [Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""];
    }

    private static bool IsTrue(string value) => value.Trim().ToLowerInvariant() is "true" or "yes" or "1";
}
