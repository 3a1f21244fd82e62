using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Omni.Channel.WhatsApp;

/// <summary>
/// A Cloud API webhook (<c>object: whatsapp_business_account</c>), checked for shape before anything is stored: per
/// business phone-number id, the customers' messages and the status reports on messages Omni sent. Fields Omni does not
/// use are ignored, and changes of other subscriptions (template reviews, account updates) are skipped, so a webhook
/// Meta adds tomorrow neither fails nor loses the messages beside it.
/// </summary>
public sealed partial record WhatsAppNotification(IReadOnlyList<WhatsAppChange> Changes)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public IReadOnlyList<string> PhoneNumberIds => Changes.Select(c => c.PhoneNumberId).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads the raw body; on a bad shape returns null with the field (a JSON path) and the reason.</summary>
    public static WhatsAppNotification? Parse(ReadOnlyMemory<byte> body, out string field, out string reason)
    {
        (field, reason) = ("body", "");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            reason = "Not valid JSON: " + ex.Message.Split(" Path:")[0];
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = "A JSON object is required.";
                return null;
            }
            if (!root.TryGetProperty("object", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != "whatsapp_business_account")
            {
                (field, reason) = ("object", "Must be \"whatsapp_business_account\".");
                return null;
            }
            if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                (field, reason) = ("entry", "Required: an array.");
                return null;
            }

            var changes = new List<WhatsAppChange>();
            var e = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var at = $"entry[{e++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    (field, reason) = (at, "Must be an object.");
                    return null;
                }
                if (!entry.TryGetProperty("changes", out var entryChanges)) continue;
                if (entryChanges.ValueKind != JsonValueKind.Array)
                {
                    (field, reason) = (at + ".changes", "Must be an array.");
                    return null;
                }
                var c = 0;
                foreach (var change in entryChanges.EnumerateArray())
                {
                    var changeAt = $"{at}.changes[{c++}]";
                    if (change.ValueKind != JsonValueKind.Object)
                    {
                        (field, reason) = (changeAt, "Must be an object.");
                        return null;
                    }
                    // Only the "messages" subscription carries messages and statuses; the others are not Omni's concern.
                    if (change.TryGetProperty("field", out var name) && !(name.ValueKind == JsonValueKind.String && name.GetString() == "messages")) continue;
                    if (!change.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.Object)
                    {
                        (field, reason) = (changeAt + ".value", "Required: an object.");
                        return null;
                    }
                    ChangeValue value;
                    try
                    {
                        value = valueElement.Deserialize<ChangeValue>(Json)!;
                    }
                    catch (JsonException ex)
                    {
                        (field, reason) = (changeAt + ".value" + (ex.Path ?? "$").TrimStart('$'), "Not of the expected type.");
                        return null;
                    }
                    if (Check(value, changeAt + ".value") is { } error)
                    {
                        (field, reason) = error;
                        return null;
                    }
                    changes.Add(new WhatsAppChange(value.Metadata!.PhoneNumberId!, value));
                }
            }
            return new WhatsAppNotification(changes);
        }
    }

    private static (string Field, string Reason)? Check(ChangeValue value, string at)
    {
        if (string.IsNullOrWhiteSpace(value.Metadata?.PhoneNumberId)) return ($"{at}.metadata.phone_number_id", "Required.");
        for (var i = 0; i < value.Messages?.Count; i++)
        {
            var message = value.Messages[i];
            var m = $"{at}.messages[{i}]";
            if (message is null) return (m, "Must be an object.");
            if (string.IsNullOrWhiteSpace(message.Id) || message.Id.Length > 200) return (m + ".id", "Required, at most 200 characters.");
            // A user with a username may keep their number from the business: then only their business-scoped user id comes.
            if (message.From is null && string.IsNullOrWhiteSpace(message.FromUserId))
            {
                return (m + ".from", "Required: the sender's WhatsApp number, digits only (or from_user_id).");
            }
            if (message.From is not null && !WaId().IsMatch(message.From)) return (m + ".from", "Required: the sender's WhatsApp number, digits only.");
            if (message.FromUserId is { Length: > 200 }) return (m + ".from_user_id", "At most 200 characters.");
            if (string.IsNullOrWhiteSpace(message.Type)) return (m + ".type", "Required.");
            switch (message.Type)
            {
                case "text" when message.Text?.Body is null:
                    return (m + ".text.body", "Required for a text message.");
                case "image" or "audio" or "video" or "document" or "sticker" when string.IsNullOrWhiteSpace(message.Media?.Id):
                    return ($"{m}.{message.Type}.id", "Required: the media id.");
                case "location" when message.Location?.Latitude is null || message.Location.Longitude is null:
                    return (m + ".location", "Required: latitude and longitude.");
                // Other interactive replies (a Flow's nfm_reply, …) carry no choice and are kept as they are.
                case "interactive" when message.Interactive?.Type is null or "button_reply" or "list_reply"
                                        && (message.Interactive?.Reply is not { } reply || string.IsNullOrWhiteSpace(reply.Id) || reply.Title is null):
                    return (m + ".interactive", "Required: a button_reply or list_reply with its id and title.");
                case "button" when message.Button?.Text is null:
                    return (m + ".button.text", "Required for a button reply.");
            }
        }
        for (var i = 0; i < value.Statuses?.Count; i++)
        {
            var status = value.Statuses[i];
            var s = $"{at}.statuses[{i}]";
            if (status is null) return (s, "Must be an object.");
            if (string.IsNullOrWhiteSpace(status.Id) || status.Id.Length > 200) return (s + ".id", "Required, at most 200 characters.");
            if (string.IsNullOrWhiteSpace(status.Status)) return (s + ".status", "Required.");
        }
        return null;
    }

    // wa_id: the customer's number in international form without the plus.
    [GeneratedRegex("^[1-9][0-9]{5,14}$")]
    private static partial Regex WaId();
}

/// <summary>The messages and statuses one business phone number received.</summary>
public sealed record WhatsAppChange(string PhoneNumberId, ChangeValue Value);

// The Cloud API's own names (snake_case), as its webhook reference documents them.
public sealed class ChangeValue
{
    public ValueMetadata? Metadata { get; init; }
    public List<WaContact?>? Contacts { get; init; }
    public List<WaMessage?>? Messages { get; init; }
    public List<WaStatus?>? Statuses { get; init; }
}

public sealed class ValueMetadata
{
    public string? DisplayPhoneNumber { get; init; }
    public string? PhoneNumberId { get; init; }
}

public sealed class WaContact
{
    public WaProfile? Profile { get; init; }
    public string? WaId { get; init; }

    /// <summary>The business-scoped user id (BSUID), sent beside or, for a user with a username, instead of the number.</summary>
    public string? UserId { get; init; }
}

public sealed class WaProfile
{
    public string? Name { get; init; }
    public string? Username { get; init; }
}

public sealed class WaMessage
{
    public string? From { get; init; }
    public string? FromUserId { get; init; }
    public string? Id { get; init; }
    public long? Timestamp { get; init; }
    public string? Type { get; init; }
    public WaText? Text { get; init; }
    public WaMedia? Image { get; init; }
    public WaMedia? Audio { get; init; }
    public WaMedia? Video { get; init; }
    public WaMedia? Document { get; init; }
    public WaMedia? Sticker { get; init; }
    public WaLocation? Location { get; init; }
    public WaInteractive? Interactive { get; init; }
    public WaButton? Button { get; init; }
    public WaReaction? Reaction { get; init; }
    public WaContext? Context { get; init; }
    public WaReferral? Referral { get; init; }
    public WaSystem? System { get; init; }
    public WaOrder? Order { get; init; }
    public List<WaSharedContact?>? Contacts { get; init; }
    public WaUnsupported? Unsupported { get; init; }
    public List<WaError?>? Errors { get; init; }

    /// <summary>The media object of a media message, whichever kind it is.</summary>
    [JsonIgnore]
    public WaMedia? Media => Type switch
    {
        "image" => Image,
        "audio" => Audio,
        "video" => Video,
        "document" => Document,
        "sticker" => Sticker,
        _ => null,
    };
}

public sealed class WaText
{
    public string? Body { get; init; }
}

public sealed class WaMedia
{
    public string? Id { get; init; }
    public string? MimeType { get; init; }
    public string? Sha256 { get; init; }
    public string? Caption { get; init; }
    public string? Filename { get; init; }
}

public sealed class WaLocation
{
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? Name { get; init; }
    public string? Address { get; init; }
    public string? Url { get; init; }
}

public sealed class WaInteractive
{
    public string? Type { get; init; }
    public WaReply? ButtonReply { get; init; }
    public WaReply? ListReply { get; init; }
    public WaNfmReply? NfmReply { get; init; }

    [JsonIgnore]
    public WaReply? Reply => ButtonReply ?? ListReply;
}

public sealed class WaReply
{
    public string? Id { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
}

/// <summary>A completed WhatsApp Flow (or address form): its answers as JSON.</summary>
public sealed class WaNfmReply
{
    public string? Name { get; init; }
    public string? Body { get; init; }
    public string? ResponseJson { get; init; }
}

/// <summary>The ad or post a message came from (a click-to-WhatsApp ad).</summary>
public sealed class WaReferral
{
    public string? SourceUrl { get; init; }
    public string? SourceId { get; init; }
    public string? SourceType { get; init; }
    public string? Headline { get; init; }
    public string? Body { get; init; }
    public string? CtwaClid { get; init; }
}

/// <summary>WhatsApp's own notice about the user: a changed number (user_changed_number), a changed user id, a changed identity.</summary>
public sealed class WaSystem
{
    public string? Body { get; init; }
    public string? Type { get; init; }
    public string? WaId { get; init; }
    public string? NewWaId { get; init; }
}

/// <summary>An order placed from a catalog; the items are counted, not read (their fields vary).</summary>
public sealed class WaOrder
{
    public string? CatalogId { get; init; }
    public string? Text { get; init; }
    public List<JsonElement>? ProductItems { get; init; }
}

/// <summary>A contact card the user shared.</summary>
public sealed class WaSharedContact
{
    public WaContactName? Name { get; init; }
    public List<WaContactPhone?>? Phones { get; init; }
}

public sealed class WaContactName
{
    public string? FormattedName { get; init; }
}

public sealed class WaContactPhone
{
    public string? Phone { get; init; }
}

/// <summary>What Meta could not pass on: the type the user sent (an edit, a poll, …).</summary>
public sealed class WaUnsupported
{
    public string? Type { get; init; }
}

/// <summary>A tap on a template's quick-reply button.</summary>
public sealed class WaButton
{
    public string? Text { get; init; }
    public string? Payload { get; init; }
}

public sealed class WaReaction
{
    public string? MessageId { get; init; }
    public string? Emoji { get; init; }
}

public sealed class WaContext
{
    public string? From { get; init; }
    public string? Id { get; init; }
}

public sealed class WaStatus
{
    public string? Id { get; init; }
    public string? Status { get; init; }
    public long? Timestamp { get; init; }
    public string? RecipientId { get; init; }
    public List<WaError?>? Errors { get; init; }
}

public sealed class WaError
{
    public int? Code { get; init; }
    public string? Title { get; init; }
    public string? Message { get; init; }
    public WaErrorData? ErrorData { get; init; }

    /// <summary>One readable line: "Re-engagement message (131047): Message failed to send because …".</summary>
    public string Describe()
    {
        var title = Title ?? Message ?? "Error";
        var code = Code is { } c ? $" ({c})" : "";
        var details = ErrorData?.Details is { Length: > 0 } d && d != title ? ": " + d : "";
        return title + code + details;
    }
}

public sealed class WaErrorData
{
    public string? Details { get; init; }
}
