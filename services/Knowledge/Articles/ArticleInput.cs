using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Omni.Knowledge.Articles;

/// <summary>An article as an editor or an import gives it; what is null is left as it is (on a change) or defaulted.</summary>
public sealed record ArticleInput(
    string? Language = null,
    string? Title = null,
    string? Body = null,
    IReadOnlyList<string>? Tags = null,
    string? Status = null,
    string? Slug = null,
    string? TranslationKey = null,
    Guid? TranslationOf = null);

/// <summary>The checks every way into the article store shares (API, import, the shipped help centre).</summary>
public static partial class ArticleRules
{
    public const int MaxTitle = 300;
    public const int MaxBody = 100_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxSlug = 120;

    public static void CheckTitle(string? title, Dictionary<string, string[]> errors, bool required)
    {
        if (title is null) { if (required) errors["title"] = ["Required."]; return; }
        if (string.IsNullOrWhiteSpace(title)) errors["title"] = ["May not be blank."];
        else if (title.Trim().Length > MaxTitle) errors["title"] = [$"At most {MaxTitle} characters."];
    }

    public static void CheckBody(string? body, Dictionary<string, string[]> errors, bool required)
    {
        if (body is null) { if (required) errors["body"] = ["Required."]; return; }
        if (string.IsNullOrWhiteSpace(body)) errors["body"] = ["May not be blank."];
        else if (body.Length > MaxBody) errors["body"] = [$"At most {MaxBody} characters."];
    }

    public static List<string>? ReadTags(IReadOnlyList<string>? tags, Dictionary<string, string[]> errors)
    {
        if (tags is null) return null;
        var normalized = tags.Select(t => (t ?? "").Trim().ToLowerInvariant()).Distinct().ToList();
        if (normalized.Count > MaxTags) errors["tags"] = [$"At most {MaxTags} tags."];
        else if (normalized.Any(t => t.Length == 0)) errors["tags"] = ["Tags may not be blank."];
        else if (normalized.Any(t => t.Length > MaxTagLength)) errors["tags"] = [$"A tag has at most {MaxTagLength} characters."];
        return normalized;
    }

    public static ArticleStatus? ReadStatus(string? status, Dictionary<string, string[]> errors)
    {
        if (status is null) return null;
        if (Enum.TryParse<ArticleStatus>(status.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        errors["status"] = ["draft or published."];
        return null;
    }

    /// <summary>A given slug or translation key: lower-case letters, digits and hyphens.</summary>
    public static string? ReadKey(string? key, string field, Dictionary<string, string[]> errors)
    {
        if (key is null) return null;
        var trimmed = key.Trim().ToLowerInvariant();
        if (!KeyPattern().IsMatch(trimmed) || trimmed.Length > MaxSlug)
        {
            errors[field] = [$"Lower-case letters, digits and hyphens, 1 to {MaxSlug} characters."];
            return null;
        }
        return trimmed;
    }

    /// <summary>"Waar is mijn pakket?" → "waar-is-mijn-pakket".</summary>
    public static string Slugify(string title)
    {
        var decomposed = title.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        var slug = DashRuns().Replace(builder.ToString(), "-").Trim('-');
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length == 0 ? "article" : slug;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("-{2,}")]
    private static partial Regex DashRuns();
}
