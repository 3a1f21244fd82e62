using System.Globalization;
using System.Text;

namespace Omni.Knowledge.Bot;

/// <summary>
/// Whether a customer asks for a person, in Dutch or English: whole words ("medewerker", "mens", "human", "agent",
/// "representative", "person") or phrases ("iemand spreken", "echt iemand"), whatever the case, accents or
/// punctuation. The bot's own "talk to a person" button sends such words, so pressing it is asking.
/// </summary>
public static class HandoffPhrases
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "medewerker", "medewerkers", "mens", "persoon", "klantenservicemedewerker", "operator",
        "human", "agent", "representative", "person", "someone", "somebody",
    };

    private static readonly string[][] Phrases =
    [
        ["iemand", "spreken"], ["iemand", "praten"], ["echt", "iemand"], ["echte", "persoon"], ["iemand", "bellen"],
        ["real", "person"], ["talk", "to", "someone"], ["speak", "to", "someone"], ["customer", "service"], ["live", "chat"],
    ];

    public static bool AsksForPerson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var words = Tokens(text);
        if (words.Any(Words.Contains)) return true;
        return Phrases.Any(phrase => ContainsInOrder(words, phrase));
    }

    private static bool ContainsInOrder(List<string> words, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= words.Count; i++)
        {
            var all = true;
            for (var j = 0; j < phrase.Length && all; j++) all = words[i + j] == phrase[j];
            if (all) return true;
        }
        return false;
    }

    private static List<string> Tokens(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            folded.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return [.. folded.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }
}
