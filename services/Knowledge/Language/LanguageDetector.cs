using System.Text.RegularExpressions;

namespace Omni.Knowledge.Language;

/// <summary>
/// Tells Dutch from English in a customer's words: their function words (de, het, ik, niet… / the, is, my, not…)
/// and letter pairs typical of each (ij, oe, sch… / th, wh, ing…). Small on purpose: it only has to choose between
/// the help centre's languages, and says nothing when the text gives no clear sign.
/// </summary>
public static partial class LanguageDetector
{
    private static readonly HashSet<string> Dutch = new(StringComparer.Ordinal)
    {
        "de", "het", "een", "en", "ik", "je", "jij", "u", "uw", "mijn", "is", "niet", "wel", "geen", "van", "voor", "met", "op", "te",
        "dat", "die", "dit", "deze", "er", "waar", "wanneer", "hoe", "wat", "waarom", "kan", "kun", "kunt", "wil", "wilt", "moet", "heb",
        "hebt", "heeft", "ben", "bent", "zijn", "was", "nog", "al", "ook", "maar", "of", "om", "bij", "naar", "uit", "over", "als",
        "graag", "dank", "bedankt", "hallo", "hoi", "goedemorgen", "goedemiddag", "alstublieft", "alsjeblieft", "mij", "ons", "onze",
        "zou", "zal", "worden", "wordt", "werd", "nee", "ja", "veel", "meer", "niks", "niets", "iets", "iemand",
        "nu", "vandaag", "morgen", "gisteren", "welke", "hier", "daar", "heeft", "hebben", "kunnen", "willen",
    };

    private static readonly HashSet<string> DutchCues = new(StringComparer.Ordinal)
    {
        "bestelling", "bestellen", "besteld", "pakket", "pakketje", "betaling", "betalen", "retour", "retourneren", "bezorging",
        "bezorgd", "levering", "geleverd", "verzending", "factuur", "rekening", "wachtwoord", "klantenservice", "medewerker",
    };

    private static readonly HashSet<string> EnglishCues = new(StringComparer.Ordinal)
    {
        "order", "ordered", "parcel", "package", "payment", "pay", "refund", "return", "delivery", "delivered", "shipping",
        "invoice", "password", "account", "customer", "service", "human", "agent", "representative",
    };

    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "i", "you", "your", "my", "is", "are", "not", "no", "of", "for", "with", "on", "to", "in", "at",
        "that", "this", "these", "there", "where", "when", "how", "what", "why", "can", "could", "would", "will", "want", "need",
        "have", "has", "had", "am", "was", "were", "be", "been", "still", "yet", "also", "but", "or", "from", "by", "about", "if",
        "please", "thanks", "thank", "hello", "hi", "me", "our", "us", "do", "does", "did", "don't", "doesn't", "it", "it's",
        "yes", "much", "more", "nothing", "something", "someone",
        "now", "today", "tomorrow", "yesterday", "which", "here", "get", "got", "should",
    };

    /// <summary>"nl" or "en", or null when the text does not say clearly.</summary>
    public static string? Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        double nl = 0, en = 0;
        foreach (Match word in Words().Matches(text.ToLowerInvariant()))
        {
            var w = word.Value;
            if (Dutch.Contains(w) || DutchCues.Contains(w)) nl += 1;
            if (English.Contains(w) || EnglishCues.Contains(w)) en += 1;
            if (w.Length < 3) continue;
            if (w.Contains("ij", StringComparison.Ordinal) || w.Contains("oe", StringComparison.Ordinal) || w.Contains("sch", StringComparison.Ordinal)
                || w.Contains("aa", StringComparison.Ordinal) || w.Contains("uu", StringComparison.Ordinal) || w.EndsWith("en", StringComparison.Ordinal)
                || w.Contains("ui", StringComparison.Ordinal) || w.Contains("eu", StringComparison.Ordinal))
            {
                nl += 0.3;
            }
            if (w.Contains("th", StringComparison.Ordinal) || w.StartsWith("wh", StringComparison.Ordinal) || w.EndsWith("ing", StringComparison.Ordinal)
                || w.Contains("ou", StringComparison.Ordinal) || w.EndsWith("y", StringComparison.Ordinal) || w.Contains("ck", StringComparison.Ordinal)
                || w.EndsWith("ed", StringComparison.Ordinal))
            {
                en += 0.3;
            }
        }
        if (Math.Abs(nl - en) < 0.6) return null;
        return nl > en ? "nl" : "en";
    }

    /// <summary>A word that carries grammar rather than meaning in either language (de, het, the, my…).</summary>
    public static bool IsFunctionWord(string word) => Dutch.Contains(word) || English.Contains(word);

    [GeneratedRegex(@"[\p{L}']+")]
    private static partial Regex Words();
}
