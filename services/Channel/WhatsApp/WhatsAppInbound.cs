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
        var contact = value.Contacts?.FirstOrDefault(c => c is not null
            && (message.From is not null ? c.WaId == message.From : c.UserId is not null && c.UserId == message.FromUserId));
        if (contact is { Profile.Name: { Length: > 0 } name })
        {
            metadata["displayName"] = name;
        }
        if (contact?.Profile?.Username is { Length: > 0 } username) metadata["username"] = username;
        if ((message.FromUserId ?? contact?.UserId) is { Length: > 0 } userId) metadata["userId"] = userId;
        if (message.Timestamp is >= 0 and <= MaxUnixSeconds and var seconds)
        {
            metadata["sentAt"] = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("O", CultureInfo.InvariantCulture);
        }
        if (message.Context?.Id is { Length: > 0 } repliesTo) metadata["replyTo"] = repliesTo;
        if (message.Referral is { } referral)
        {
            // The click-to-WhatsApp ad (or post) the customer came from: what they saw before they wrote.
            foreach (var (key, field) in new[]
                     {
                         ("referralSourceUrl", referral.SourceUrl), ("referralSourceId", referral.SourceId), ("referralSourceType", referral.SourceType),
                         ("referralHeadline", referral.Headline), ("referralBody", referral.Body), ("referralCtwaClid", referral.CtwaClid),
                     })
            {
                if (Bounded(field, 1000) is { } kept) metadata[key] = kept;
            }
        }

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
            case "interactive" when message.Interactive?.Reply is { } reply:
                metadata["replyType"] = message.Interactive.ButtonReply is not null ? "button_reply" : "list_reply";
                metadata["replyId"] = reply.Id!;
                if (reply.Description is { Length: > 0 } description) metadata["replyDescription"] = description;
                text = reply.Title!;
                break;
            case "interactive":
                // A completed Flow (nfm_reply) or another interactive answer: its answers kept for the agent.
                var interactiveType = Bounded(message.Interactive?.Type, 100) ?? "interactive";
                metadata["replyType"] = interactiveType;
                if (message.Interactive?.NfmReply is { } form)
                {
                    if (Bounded(form.Name, 100) is { } formName) metadata["formName"] = formName;
                    if (Bounded(form.ResponseJson, 10_000) is { } answers) metadata["formResponse"] = answers;
                }
                text = $"[{interactiveType}]";
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
            case "contacts":
                // Shared contact cards: "Contact: Jan Jansen +31 6 12345678; …".
                var cards = (message.Contacts ?? []).OfType<WaSharedContact>()
                    .Select(c => string.Join(" ", new[] { c.Name?.FormattedName, c.Phones?.FirstOrDefault()?.Phone }.Where(p => !string.IsNullOrWhiteSpace(p))))
                    .Where(c => c.Length > 0).ToList();
                text = cards.Count > 0 ? "Contact: " + string.Join("; ", cards) : "[contacts message]";
                break;
            case "order":
                var items = message.Order?.ProductItems?.Count ?? 0;
                if (Bounded(message.Order?.CatalogId, 200) is { } catalog) metadata["catalogId"] = catalog;
                metadata["orderItems"] = items.ToString(CultureInfo.InvariantCulture);
                var note = message.Order?.Text;
                text = $"Order: {items} {(items == 1 ? "item" : "items")}" + (string.IsNullOrWhiteSpace(note) ? "" : $" ({note})");
                break;
            case "system":
                // WhatsApp's notice (a changed number or identity), not the customer's words: kept, not routed.
                metadata[InboundMetadata.Automatic] = "whatsapp-system";
                if (Bounded(message.System?.Type, 100) is { } systemType) metadata["systemType"] = systemType;
                if ((message.System?.NewWaId ?? message.System?.WaId) is { Length: > 0 } newWaId) metadata["newWaId"] = newWaId;
                text = Bounded(message.System?.Body, 1000) ?? "[system message]";
                break;
            default:
                // Kept (an agent can see something arrived), never refused: Meta would retry it for days.
                if (message.Errors?.FirstOrDefault() is { } error) metadata["error"] = error.Describe();
                if (Bounded(message.Unsupported?.Type, 100) is { } unsupported) metadata["unsupportedType"] = unsupported;
                text = $"[{message.Type} message]";
                break;
        }

        // Without the number (a user with a username), the business-scoped user id is all there is to know them by.
        var sender = message.From is not null ? "+" + message.From : message.FromUserId!.Trim();
        return new InboundMessage(AccountKinds.WhatsApp, "whatsapp", sender, text, message.Id)
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

    /// <summary>The largest Unix time <see cref="DateTimeOffset.FromUnixTimeSeconds"/> takes (9999-12-31).</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

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
