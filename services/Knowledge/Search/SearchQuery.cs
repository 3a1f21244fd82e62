using System.Text.RegularExpressions;

namespace Omni.Knowledge.Search;

/// <summary>What a search or question is made of: its words, checked and normalised.</summary>
public static partial class SearchQuery
{
    /// <summary>A search box query: longer is refused (400).</summary>
    public const int MaxLength = 200;

    /// <summary>Words considered of one search; a customer's question may have more, the rest is left out.</summary>
    public const int MaxWords = 24;

    /// <summary>Null when <paramref name="query"/> can be searched, else why not.</summary>
    public static string? Problem(string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return "Required: the words to search for.";
        if (query.Length > MaxLength) return $"At most {MaxLength} characters.";
        if (Words(query).Count == 0) return "Give at least one word (letters or digits).";
        return null;
    }

    /// <summary>The distinct lower-case words, in order, at most <see cref="MaxWords"/>.</summary>
    public static IReadOnlyList<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value.Replace('’', '\'')).Distinct().Take(MaxWords).ToList();

    /// <summary>
    /// The query as the gap report shows it: lower case, e-mail addresses and anything with digits (order numbers,
    /// postcodes, phone numbers) masked, so no customer's data ends up in the report.
    /// </summary>
    public static string Normalize(string text)
    {
        var parts = new List<string>();
        foreach (var chunk in text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (chunk.Contains('@')) { parts.Add("[e-mail]"); continue; }
            parts.AddRange(WordPattern().Matches(chunk).Select(m => m.Value.Any(char.IsDigit) ? "#" : m.Value.Replace('’', '\'')));
        }
        var joined = string.Join(' ', parts);
        return joined.Length > 200 ? joined[..200] : joined;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")]
    private static partial Regex WordPattern();
}

/// <summary>Optimal string alignment distance (Levenshtein with adjacent swaps): "retrun" is one step from "return".</summary>
public static class EditDistance
{
    public static int Between(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return max + 1;
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            var rowMin = int.MaxValue;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
                rowMin = Math.Min(rowMin, v);
            }
            if (rowMin > max) return max + 1;
        }
        return d[a.Length, b.Length];
    }

    /// <summary>How many typos a word of this length may hold and still be recognised.</summary>
    public static int Allowed(int length) => length switch
    {
        <= 3 => 0,
        <= 5 => 1,
        <= 9 => 2,
        _ => 3,
    };
}
