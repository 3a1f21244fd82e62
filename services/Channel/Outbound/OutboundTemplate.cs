using System.Text.Json;
using System.Text.RegularExpressions;

namespace Omni.Channel.Outbound;

/// <summary>
/// A message template the provider approved beforehand (WhatsApp's way to write first, or again after its 24-hour
/// window): its name, language and the values of its placeholders in order. Kept in the message's metadata.
/// </summary>
public sealed partial record OutboundTemplate(string? Name, string? Language, IReadOnlyList<string>? Parameters)
{
    public const string NameKey = "template.name";
    public const string LanguageKey = "template.language";
    public const string ParametersKey = "template.parameters";
    public const int MaxParameters = 20;
    public const int MaxParameterLength = 1024;

    /// <summary>The field and the reason when the template cannot be what a provider approved; null when it can.</summary>
    public (string Field, string Reason)? Check()
    {
        if (Name is null || !TemplateName().IsMatch(Name)) return ("template.name", "Required: the approved template's name (lower-case letters, digits, _).");
        if (Language is null || !LanguageCode().IsMatch(Language)) return ("template.language", "Required: the template's language code, e.g. en_US or nl.");
        if (Parameters is { Count: > MaxParameters }) return ("template.parameters", $"At most {MaxParameters}.");
        if (Parameters?.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > MaxParameterLength) == true)
        {
            return ("template.parameters", $"Each not blank, at most {MaxParameterLength} characters.");
        }
        return null;
    }

    /// <summary>What the transcript shows for a template sent without a text of its own.</summary>
    public string Describe() =>
        $"[template {Name} ({Language})" + (Parameters is { Count: > 0 } p ? ": " + string.Join(" | ", p) : "") + "]";

    public Dictionary<string, string> ToMetadata() => new()
    {
        [NameKey] = Name!,
        [LanguageKey] = Language!,
        [ParametersKey] = JsonSerializer.Serialize(Parameters ?? []),
    };

    /// <summary>The template a stored message is to be sent as, or null for a free-form message.</summary>
    public static OutboundTemplate? FromMetadata(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(NameKey, out var name) && metadata.TryGetValue(LanguageKey, out var language)
            ? new OutboundTemplate(name, language,
                metadata.TryGetValue(ParametersKey, out var json) ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [])
            : null;

    [GeneratedRegex("^[a-z0-9_]{1,512}$")]
    private static partial Regex TemplateName();

    [GeneratedRegex("^[a-z]{2,3}(_[A-Za-z]{2,4})?$")]
    private static partial Regex LanguageCode();
}
