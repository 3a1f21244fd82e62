namespace Omni.Knowledge.Search;

/// <summary>
/// A word that occurs in published articles of one language, with its stem and the number of articles holding it:
/// the vocabulary misspelt query words are corrected against (trigram distance) and weighed by (rarity).
/// </summary>
public sealed class SearchTerm
{
    public required string Language { get; init; }

    /// <summary>Lower-case, as written in articles (not stemmed).</summary>
    public required string Word { get; init; }

    /// <summary>The word's lexemes in the language's configuration, space separated; empty for a stop word.</summary>
    public required string Lexemes { get; init; }

    /// <summary>Published articles holding the word; a word whose count reaches 0 is no longer suggested.</summary>
    public int Documents { get; set; }
}

/// <summary>A question no article answered well, grouped by its normalised form: what editors should write next.</summary>
public sealed class SearchGap
{
    public required string Language { get; init; }

    /// <summary>The distinct content words of the question, sorted: "retour bestelling" and "bestelling retour" meet here.</summary>
    public required string Key { get; init; }

    /// <summary>The latest normalised wording (lower case, numbers and addresses masked).</summary>
    public required string Query { get; set; }

    public int Count { get; set; }

    public int SearchCount { get; set; }

    public int QuestionCount { get; set; }

    public double BestConfidence { get; set; }

    public DateTimeOffset FirstSeenAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }
}
