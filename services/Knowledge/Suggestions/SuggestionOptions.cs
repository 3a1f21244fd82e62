namespace Omni.Knowledge.Suggestions;

/// <summary>Settings under <c>Knowledge:Suggestions</c>.</summary>
public sealed class SuggestionOptions
{
    /// <summary>Customer messages kept per conversation (older ones are deleted as new ones arrive).</summary>
    public int MessagesKept { get; set; } = 5;

    /// <summary>Of those, how many recent ones a suggestion reads.</summary>
    public int MessagesRead { get; set; } = 3;

    /// <summary>Characters of one message kept: enough for a question.</summary>
    public int MaxTextLength { get; set; } = 1000;

    /// <summary>How long the channel and identity may take to answer.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
