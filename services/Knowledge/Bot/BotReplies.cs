using System.Text.RegularExpressions;

namespace Omni.Knowledge.Bot;

/// <summary>What the bot says, in Dutch or English. Every message offers a person.</summary>
public static partial class BotReplies
{
    public static string TalkToPerson(string language) => language == "en" ? "Talk to a person" : "Met een medewerker praten";

    public static string HandingOver(string language, string reason) => (language, reason) switch
    {
        ("en", "asked") => "Of course. I'm passing you to a colleague now; they will see everything you wrote, so you won't have to repeat it.",
        ("en", _) => "I'd rather have a colleague help you with this. I'm passing you on now; they will see everything you wrote.",
        (_, "asked") => "Natuurlijk. Ik zet je nu door naar een collega; die ziet alles wat je schreef, dus je hoeft niets te herhalen.",
        _ => "Hier helpt een collega je beter mee. Ik zet je nu door; die ziet alles wat je schreef.",
    };

    public static string NoGoodAnswer(string language) => language == "en"
        ? "I'm sorry, I don't have a good answer to that. You can put it differently, or talk to a person."
        : "Sorry, daar heb ik geen goed antwoord op. Je kunt het anders vragen, of met een medewerker praten.";

    /// <summary>The article's title and opening, cut at a sentence near <paramref name="maxLength"/>, then the offer of a person.</summary>
    public static string Answer(string language, string title, string plainText, int maxLength, string? orderNote)
    {
        var body = Opening(plainText, maxLength);
        var helpful = language == "en" ? "Did this help? If not, talk to a person." : "Heb je hier iets aan? Zo niet, praat dan met een medewerker.";
        return string.Join("\n\n", new[] { title, body, orderNote, helpful }.Where(p => !string.IsNullOrWhiteSpace(p)));
    }

    public static string AskOrderNumber(string language) => language == "en"
        ? "If this is about an order, send me its order number: a colleague can then pick it up straight away."
        : "Gaat het om een bestelling? Stuur dan je ordernummer mee, dan kan een collega direct verder.";

    public static string KnownOrderNumber(string language, string number) => language == "en"
        ? $"I've noted your order number {number}."
        : $"Je ordernummer {number} heb ik genoteerd.";

    private static string Opening(string text, int maxLength)
    {
        var collapsed = Whitespace().Replace(text, " ").Trim();
        if (collapsed.Length <= maxLength) return collapsed;
        var cut = collapsed[..maxLength];
        var end = cut.LastIndexOfAny(['.', '!', '?']);
        return end > maxLength / 2 ? cut[..(end + 1)] : cut.TrimEnd() + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
