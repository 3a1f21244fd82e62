using System.Text.Json;

namespace Omni.Channel.Outbound;

/// <summary>Who speaks in an outbound message: the bot, an agent, or Omni itself (status notices).</summary>
public static class MessageSenders
{
    public const string Bot = "bot";
    public const string Agent = "agent";
    public const string System = "system";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Bot, Agent, System };
}

/// <summary>
/// Quick replies offered with an outbound message ("Talk to a person", "Track my order"): the customer presses one
/// and its text comes back as their message. Kept in the message's metadata (<see cref="MetadataKey"/>, a JSON array);
/// a channel that can show buttons shows them (web chat, WhatsApp), the others get them as one plain line of text.
/// </summary>
public static class OutboundActions
{
    public const string MetadataKey = "actions";
    public const int MaxActions = 10;
    public const int MaxLength = 100;

    /// <summary>The field and the reason when the actions cannot be offered; null when they can (or there are none).</summary>
    public static (string Field, string Reason)? Check(IReadOnlyList<string?>? actions)
    {
        if (actions is null || actions.Count == 0) return null;
        if (actions.Count > MaxActions) return ("actions", $"At most {MaxActions}.");
        if (actions.Any(a => string.IsNullOrWhiteSpace(a) || a.Trim().Length > MaxLength || a.Any(char.IsControl)))
        {
            return ("actions", $"Each not blank, on one line, at most {MaxLength} characters.");
        }
        if (actions.Select(a => a!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() != actions.Count)
        {
            return ("actions", "Each different from the others.");
        }
        return null;
    }

    /// <summary>The trimmed actions as stored; empty when there are none.</summary>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string?>? actions) =>
        actions is null ? [] : actions.Select(a => a!.Trim()).ToList();

    public static void Store(Dictionary<string, string> metadata, IReadOnlyList<string> actions)
    {
        if (actions.Count > 0) metadata[MetadataKey] = JsonSerializer.Serialize(actions);
    }

    /// <summary>The actions a stored message offers; empty when none.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataKey, out var json) ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];

    /// <summary>The plain line a channel without buttons shows: <c>Reply: Yes | No | Talk to a person</c>.</summary>
    public static string PlainLine(IReadOnlyList<string> actions) => "Reply: " + string.Join(" | ", actions);

    /// <summary>The text as a channel without buttons sends it: with the actions as a last line, when there are any.</summary>
    public static string PlainText(string text, IReadOnlyDictionary<string, string> metadata) =>
        Of(metadata) is { Count: > 0 } actions ? text.TrimEnd() + "\n\n" + PlainLine(actions) : text;
}
