namespace Omni.Knowledge.Bot;

/// <summary>The bot's settings (section <c>Knowledge:Bot</c>).</summary>
public sealed class BotOptions
{
    /// <summary>From this confidence (0..1) on the bot answers with the best article; below it, it says honestly it has no good answer.</summary>
    public double ConfidenceThreshold { get; set; } = Search.ArticleSearch.AnswerThreshold;

    /// <summary>After this many answers the bot hands the conversation to a person by itself at the customer's next message.</summary>
    public int MaxTurns { get; set; } = 3;

    /// <summary>The language the bot speaks when neither the customer's profile nor their words say which.</summary>
    public string DefaultLanguage { get; set; } = "nl";

    /// <summary>How much of an article the bot sends (it ends at a sentence when it can).</summary>
    public int MaxAnswerLength { get; set; } = 600;

    /// <summary>How long the bot waits for the channel or identity before it hands over rather than keep the customer waiting.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
