using System.Text;
using System.Text.RegularExpressions;

namespace Omni.Benchmarks.Knowledge;

/// <summary>
/// Help-centre-like articles in Dutch and English, as many as asked, reproducible (seeded): titles and bodies drawn
/// from the shipped help centre's own words, product names and a long tail of made-up words, with the skewed word
/// frequencies of real text (Zipf), so the index and the vocabulary have the shape a large help centre would give.
/// </summary>
internal static partial class GeneratedArticles
{
    public sealed record Generated(string Language, string Slug, string Title, string Body, string[] Tags, bool Published);

    private static readonly Dictionary<string, string[]> Products = new()
    {
        ["nl"] = ["stofzuiger", "koptelefoon", "fiets", "laptop", "wasmachine", "koffiezetapparaat", "bank", "matras", "jas", "schoenen",
                  "telefoonhoesje", "printer", "televisie", "tuinstoel", "barbecue", "speelgoed", "horloge", "tas", "lamp", "bureaustoel"],
        ["en"] = ["vacuum cleaner", "headphones", "bicycle", "laptop", "washing machine", "coffee maker", "sofa", "mattress", "coat", "shoes",
                  "phone case", "printer", "television", "garden chair", "barbecue", "toy", "watch", "bag", "lamp", "office chair"],
    };

    private static readonly Dictionary<string, string[]> Openings = new()
    {
        ["nl"] = ["Hoe werkt", "Vragen over", "Problemen met", "Alles over", "Onderhoud van", "Garantie op", "Retourneren van", "Bezorging van"],
        ["en"] = ["How does", "Questions about", "Problems with", "All about", "Caring for", "Warranty on", "Returning", "Delivery of"],
    };

    public static IEnumerable<Generated> Create(int count, string helpCentreFolder, int seed = 20261125)
    {
        var random = new Random(seed);
        var vocabulary = new Dictionary<string, string[]>();
        foreach (var language in new[] { "nl", "en" })
        {
            var words = Directory.EnumerateFiles(Path.Combine(helpCentreFolder, language), "*.md")
                .SelectMany(f => Words().Matches(File.ReadAllText(f).ToLowerInvariant()).Select(m => m.Value))
                .GroupBy(w => w).OrderByDescending(g => g.Count()).Select(g => g.Key).ToList();
            // A long tail of words no shipped article holds (brand and model names, rarer terms).
            var tail = Enumerable.Range(0, 20_000).Select(_ => MadeUpWord(random)).Distinct();
            vocabulary[language] = [.. words, .. tail];
        }

        for (var n = 0; n < count; n++)
        {
            var language = n % 2 == 0 ? "nl" : "en";
            var words = vocabulary[language];
            var product = Pick(random, Products[language]);
            var title = $"{Pick(random, Openings[language])} {product} {Zipf(random, words)} {Zipf(random, words)}";
            var body = new StringBuilder();
            var sentences = random.Next(4, 12);
            for (var s = 0; s < sentences; s++)
            {
                var length = random.Next(6, 16);
                for (var w = 0; w < length; w++)
                {
                    var word = w == length / 2 && random.Next(3) == 0 ? product : Zipf(random, words);
                    body.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word).Append(w == length - 1 ? ". " : " ");
                }
                if (random.Next(4) == 0) body.Append('\n');
            }
            var tags = new[] { product.Split(' ')[0], Zipf(random, words) };
            yield return new Generated(language, $"gen-{language}-{n}", title, body.ToString().Trim(), tags, random.Next(10) != 0);
        }
    }

    /// <summary>A word from the list, the first ones far more often than the last (Zipf, s ≈ 1).</summary>
    private static string Zipf(Random random, string[] words)
    {
        var rank = (int)Math.Floor(Math.Exp(random.NextDouble() * Math.Log(words.Length))) - 1;
        return words[Math.Clamp(rank, 0, words.Length - 1)];
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private static string MadeUpWord(Random random)
    {
        const string consonants = "bdfghklmnprstvz";
        const string vowels = "aeiou";
        var length = random.Next(2, 5);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++) builder.Append(consonants[random.Next(consonants.Length)]).Append(vowels[random.Next(vowels.Length)]);
        if (random.Next(2) == 0) builder.Append(consonants[random.Next(consonants.Length)]);
        return builder.ToString();
    }

    [GeneratedRegex(@"\p{L}{3,}")]
    private static partial Regex Words();
}
