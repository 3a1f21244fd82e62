using System.Globalization;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;

namespace Omni.Channel.WhatsApp;

/// <summary>Turns the Cloud API's messages and statuses into Omni's one message model.</summary>
public static class WhatsAppInbound
{
    /// <summary>A customer's message as the transcript keeps it: a readable text, the provider's details in metadata.</summary>
    public static InboundMessage ToInbound(WaMessage message, ChangeValue value, Guid accountId)
    {
        var metadata = new Dictionary<string, string> { ["type"] = message.Type! };
        var contact = value.Contacts?.FirstOrDefault(c => c?.WaId == message.From);
        if (contact is { Profile.Name: { Length: > 0 } name })
        {
            metadata["displayName"] = name;
        }
        if (message.Timestamp is { } seconds) metadata["sentAt"] = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("O", CultureInfo.InvariantCulture);
        if (message.Context?.Id is { Length: > 0 } repliesTo) metadata["replyTo"] = repliesTo;

        List<InboundAttachment>? attachments = null;
        string text;
        switch (message.Type)
        {
            case "text":
                text = message.Text!.Body!;
                break;
            case "image" or "audio" or "video" or "document" or "sticker":
                var media = message.Media!;
                var contentType = Bounded(media.MimeType?.Split(';')[0].Trim(), 100) ?? "application/octet-stream";
                var fileName = Bounded(Path.GetFileName(media.Filename ?? ""), 255) ?? message.Type + Extension(contentType);
                // The bytes stay with Meta until fetched with the account's token; the media id is how to fetch them.
                attachments = [new InboundAttachment(fileName, contentType, 0, null, media.Id)];
                if (media.Sha256 is { Length: > 0 } sha) metadata["mediaSha256"] = sha;
                text = string.IsNullOrWhiteSpace(media.Caption) ? $"[{message.Type}]" : media.Caption;
                break;
            case "location":
                var location = message.Location!;
                var (latitude, longitude) = (location.Latitude!.Value.ToString("R", CultureInfo.InvariantCulture),
                    location.Longitude!.Value.ToString("R", CultureInfo.InvariantCulture));
                metadata["latitude"] = latitude;
                metadata["longitude"] = longitude;
                if (location.Name is { Length: > 0 } place) metadata["locationName"] = place;
                if (location.Address is { Length: > 0 } address) metadata["locationAddress"] = address;
                if (location.Url is { Length: > 0 } url) metadata["locationUrl"] = url;
                var described = string.Join(", ", new[] { location.Name, location.Address }.Where(s => !string.IsNullOrWhiteSpace(s)));
                text = $"Location: {(described.Length > 0 ? described + " " : "")}({latitude}, {longitude})";
                break;
            case "interactive":
                var reply = message.Interactive!.Reply!;
                metadata["replyType"] = message.Interactive.ButtonReply is not null ? "button_reply" : "list_reply";
                metadata["replyId"] = reply.Id!;
                if (reply.Description is { Length: > 0 } description) metadata["replyDescription"] = description;
                text = reply.Title!;
                break;
            case "button":
                metadata["replyType"] = "button";
                if (message.Button!.Payload is { Length: > 0 } payload) metadata["replyId"] = payload;
                text = message.Button.Text!;
                break;
            case "reaction":
                if (message.Reaction?.MessageId is { Length: > 0 } reactedTo) metadata["reactionTo"] = reactedTo;
                text = message.Reaction?.Emoji is { Length: > 0 } emoji ? emoji : "[reaction removed]";
                break;
            default:
                // Kept (an agent can see something arrived), never refused: Meta would retry it for days.
                if (message.Errors?.FirstOrDefault() is { } error) metadata["error"] = error.Describe();
                text = $"[{message.Type} message]";
                break;
        }

        return new InboundMessage(AccountKinds.WhatsApp, "whatsapp", "+" + message.From, text, message.Id)
        {
            AccountId = accountId,
            Metadata = metadata,
            Attachments = attachments,
        };
    }

    /// <summary>Omni's delivery state for a Cloud API status; null for statuses that do not move it (deleted, warning, …).</summary>
    public static MessageStatus? ToDeliveryStatus(string status) => status switch
    {
        "sent" => MessageStatus.Sent,
        "delivered" => MessageStatus.Delivered,
        "read" => MessageStatus.Read,
        "failed" => MessageStatus.Failed,
        _ => null,
    };

    public static string? FailureReason(WaStatus status) =>
        status.Errors?.Where(e => e is not null).Select(e => e!.Describe()).FirstOrDefault() is { } reason
            ? "WhatsApp could not deliver the message: " + reason
            : null;

    private static string? Bounded(string? value, int length) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= length ? value : value[..length];

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "audio/ogg" => ".ogg",
        "audio/mpeg" => ".mp3",
        "audio/aac" => ".aac",
        "audio/mp4" => ".m4a",
        "video/mp4" => ".mp4",
        "video/3gpp" => ".3gp",
        "application/pdf" => ".pdf",
        _ => "",
    };
}
