using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Twilio.TwiML;
using static Omni.Channel.Twilio.TwilioWebhook;

namespace Omni.Channel.Twilio;

/// <summary>Twilio Messaging: a customer's SMS/MMS in, and the status reports on the SMS Omni sent.</summary>
public static class TwilioSmsWebhooks
{
    /// <summary>The answer to every incoming text, made once: <c>&lt;Response&gt;&lt;/Response&gt;</c>.</summary>
    private static readonly string EmptyMessagingResponse = new MessagingResponse().ToString();

    /// <summary>Twilio sends at most 10 media items with one message.</summary>
    private const int MaxMedia = 10;

    internal static RouteGroupBuilder MapTwilioSms(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/sms", ReceiveSms)
            .WithName("TwilioIncomingSms")
            .WithSummary("Twilio's Messaging webhook (form-encoded, signed with X-Twilio-Signature). Stores the message and answers " +
                         "at once with empty TwiML; a repeat of a MessageSid answers the same and is processed once.");
        twilio.MapPost("/sms/status", SmsStatus)
            .WithName("TwilioSmsStatus")
            .WithSummary("Twilio's message status callback: sent, delivered, read, undelivered or failed (with ErrorCode) moves " +
                         "the message's delivery state forward; late or repeated reports, and reports on messages Omni did not send, change nothing.");
        return twilio;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> ReceiveSms(
        HttpRequest request, TwilioWebhookCheck check, InboundMessages inbound, CancellationToken cancellationToken)
    {
        var webhook = await check.CheckAsync(request, [AccountKinds.Sms], form => Get(form, "To"), cancellationToken);
        if (webhook is Forged) return TwilioProblems.Unauthorized();
        var form = webhook switch { Authentic a => a.Form, UnknownNumber u => u.Form, _ => throw new InvalidOperationException() };

        var errors = new Dictionary<string, string[]>();
        var from = Get(form, "From");
        var messageSid = Get(form, "MessageSid") ?? Get(form, "SmsSid");
        if (from is null) errors["From"] = ["Required: the sender's number."];
        else if (from.Length > 320) errors["From"] = ["At most 320 characters."];
        if (messageSid is null) errors["MessageSid"] = ["Required: Twilio's id of the message."];
        else if (messageSid.Length > 200) errors["MessageSid"] = ["At most 200 characters."];
        if (Get(form, "To") is null) errors["To"] = ["Required: the Twilio number the message was sent to."];
        var body = form.GetValueOrDefault("Body") ?? "";
        if (body.Length > MessagesApi.MaxTextLength) errors["Body"] = [$"At most {MessagesApi.MaxTextLength} characters."];
        var attachments = Media(form, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (webhook is not Authentic { Account: var account }) return TwilioProblems.UnknownNumber();

        var metadata = new Dictionary<string, string> { ["to"] = account.Address };
        if (Get(form, "AccountSid") is { } accountSid) metadata["accountSid"] = accountSid;
        if (Get(form, "NumSegments") is { } segments) metadata["numSegments"] = segments;
        if (Get(form, "MessagingServiceSid") is { } service) metadata["messagingServiceSid"] = service;

        // A WhatsApp sender on Twilio writes the customer "whatsapp:+31…": a WhatsApp identity, answered on WhatsApp through
        // the same number (TwilioSmsTransport adds the prefix back), as Meta's own webhook names them ("+" and the number).
        var whatsApp = from!.StartsWith(TwilioSmsTransport.WhatsAppPrefix, StringComparison.OrdinalIgnoreCase);
        var (senderKind, sender) = whatsApp ? ("whatsapp", from[TwilioSmsTransport.WhatsAppPrefix.Length..].Trim()) : ("phone", from);
        if (whatsApp) WhatsAppDetails(form, metadata);

        var text = body;
        if (string.IsNullOrWhiteSpace(text) && whatsApp && Location(form, metadata) is { } location) text = location;
        // An MMS (or WhatsApp file) without words: say what came, as WhatsApp's own webhook does.
        else if (string.IsNullOrWhiteSpace(text) && attachments is [var first, ..]) text = $"[{MediaKind(first.ContentType)}]";

        await inbound.AcceptAsync(new InboundMessage(AccountKinds.Sms, senderKind, sender, text, messageSid)
        {
            AccountId = account.Id,
            Metadata = metadata,
            Attachments = attachments,
            Raw = TwilioWebhook.Raw(form),
        }, cancellationToken);
        // Omni replies through the REST API (an agent or the bot, later), never in this answer.
        return TypedResults.Content(EmptyMessagingResponse, "text/xml", System.Text.Encoding.UTF8);
    }

    private static async Task<Results<Ok, ProblemHttpResult, ValidationProblem>> SmsStatus(
        HttpRequest request, TwilioWebhookCheck check, DeliveryStatuses statuses, ILogger<DeliveryStatuses> logger, CancellationToken cancellationToken)
    {
        // Status callbacks are about texts Omni sent (from an SMS number, or to a caller from a voice number): From is ours.
        var webhook = await check.CheckAsync(request, [AccountKinds.Sms, AccountKinds.Voice], form => Get(form, "From"), cancellationToken);
        if (webhook is Forged) return TwilioProblems.Unauthorized();
        var form = webhook switch { Authentic a => a.Form, UnknownNumber u => u.Form, _ => throw new InvalidOperationException() };

        var messageSid = Get(form, "MessageSid") ?? Get(form, "SmsSid");
        var reported = Get(form, "MessageStatus") ?? Get(form, "SmsStatus");
        var errors = new Dictionary<string, string[]>();
        if (messageSid is null) errors["MessageSid"] = ["Required: Twilio's id of the message."];
        if (reported is null) errors["MessageStatus"] = ["Required: the message's status."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (StatusOf(reported!) is not { } status)
        {
            // queued, accepted, sending, scheduled, partially_delivered, and receiving/received (a customer's message):
            // nothing a transcript shows beyond "sent".
            return TypedResults.Ok();
        }
        if (webhook is not Authentic)
        {
            // Signed with one of Omni's secrets, from a number no account has (another app's on the same Twilio account, a
            // removed number): nothing of Omni's to update. Twilio does not retry status callbacks, so an error helps no one.
            logger.LogWarning("Twilio reported {Status} from a number no account has ({MessageSid}); ignored", reported, messageSid);
            return TypedResults.Ok();
        }
        var reason = status == MessageStatus.Failed ? FailureReason(reported!, Get(form, "ErrorCode"), Get(form, "ErrorMessage")) : null;
        if (await ReportWhenKnownAsync(statuses, messageSid!, status, reason, cancellationToken)) return TypedResults.Ok();

        // A text sent from the number by someone else (the console, another app): acknowledged, as there is nothing to update.
        logger.LogWarning("Twilio reported {Status} on a message Omni does not know ({MessageSid}); ignored", reported, messageSid);
        return TypedResults.Ok();
    }

    /// <summary>
    /// Twilio may report "sent" before the dispatcher has committed the id it was given for the message (the REST answer
    /// and the first callback race); a short wait lets that commit land instead of losing the report.
    /// </summary>
    private static async Task<bool> ReportWhenKnownAsync(DeliveryStatuses statuses, string messageSid, MessageStatus status, string? reason,
        CancellationToken cancellationToken)
    {
        foreach (var pause in new[] { 0, 200, 500, 1000, 2000 })
        {
            if (pause > 0) await Task.Delay(pause, cancellationToken);
            // Texts to callers go out on the voice channel's account; their reports come here too.
            if (await statuses.ReportAsync(AccountKinds.Sms, messageSid, status, reason, cancellationToken)
                || await statuses.ReportAsync(AccountKinds.Voice, messageSid, status, reason, cancellationToken)) return true;
        }
        return false;
    }

    internal static MessageStatus? StatusOf(string twilioStatus) => twilioStatus.ToLowerInvariant() switch
    {
        "sent" => MessageStatus.Sent,
        "delivered" => MessageStatus.Delivered,
        "read" => MessageStatus.Read,
        "undelivered" or "failed" or "canceled" => MessageStatus.Failed,
        _ => null,
    };

    private static string FailureReason(string status, string? errorCode, string? errorMessage)
    {
        var described = errorCode is null ? null : KnownErrors.GetValueOrDefault(errorCode);
        return (status, errorCode) switch
        {
            (_, null) => $"Twilio reports the message {status}",
            _ => $"Twilio reports the message {status}: error {errorCode}" + (described ?? (errorMessage is null ? "" : $" ({TwilioProblems.WithoutNumbers(errorMessage)})")),
        };
    }

    private static readonly Dictionary<string, string> KnownErrors = new()
    {
        ["30003"] = " (unreachable destination handset)",
        ["30004"] = " (message blocked)",
        ["30005"] = " (unknown destination handset)",
        ["30006"] = " (landline or unreachable carrier)",
        ["30007"] = " (filtered by the carrier)",
        ["30008"] = " (unknown error)",
        ["21610"] = " (the recipient unsubscribed)",
    };

    /// <summary>What Twilio adds for a WhatsApp message: the profile name, a tapped button, the message replied to, the ad it came from.</summary>
    private static void WhatsAppDetails(IReadOnlyDictionary<string, string> form, Dictionary<string, string> metadata)
    {
        metadata["twilioChannel"] = "whatsapp";
        foreach (var (parameter, key) in WhatsAppParameters)
        {
            if (Get(form, parameter) is { } value) metadata[key] = value.Length <= 1000 ? value : value[..1000];
        }
        if (Get(form, "ButtonText") is not null) metadata["replyType"] = "button";
    }

    private static readonly (string Parameter, string Key)[] WhatsAppParameters =
    [
        ("ProfileName", "displayName"), ("WaId", "waId"), ("MessageType", "type"), ("ButtonPayload", "replyId"),
        ("OriginalRepliedMessageSid", "replyTo"), ("ReferralSourceUrl", "referralSourceUrl"), ("ReferralHeadline", "referralHeadline"),
        ("ReferralSourceType", "referralSourceType"), ("ReferralSourceId", "referralSourceId"), ("ReferralCtwaClid", "referralCtwaClid"),
    ];

    /// <summary>A shared WhatsApp location (Latitude, Longitude, Address, Label), as the WhatsApp webhook keeps it; null when there is none.</summary>
    private static string? Location(IReadOnlyDictionary<string, string> form, Dictionary<string, string> metadata)
    {
        if (Get(form, "Latitude") is not { } latitude || Get(form, "Longitude") is not { } longitude) return null;
        metadata["latitude"] = latitude;
        metadata["longitude"] = longitude;
        if (Get(form, "Label") is { } label) metadata["locationName"] = label;
        if (Get(form, "Address") is { } address) metadata["locationAddress"] = address;
        var described = string.Join(", ", new[] { Get(form, "Label"), Get(form, "Address") }.OfType<string>());
        return $"Location: {(described.Length > 0 ? described + " " : "")}({latitude}, {longitude})";
    }

    private static string MediaKind(string contentType) => contentType.Split('/')[0] switch
    {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        _ => "file",
    };

    private static List<InboundAttachment>? Media(IReadOnlyDictionary<string, string> form, Dictionary<string, string[]> errors)
    {
        var declared = Get(form, "NumMedia");
        if (declared is null) return null;
        if (!int.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > MaxMedia)
        {
            errors["NumMedia"] = [$"A number from 0 to {MaxMedia}."];
            return null;
        }
        var attachments = new List<InboundAttachment>(count);
        for (var i = 0; i < count; i++)
        {
            var url = Get(form, $"MediaUrl{i}");
            if (url is null || url.Length > 1000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                errors[$"MediaUrl{i}"] = ["Required for each of NumMedia: an absolute http(s) URL of at most 1000 characters."];
                continue;
            }
            var contentType = Get(form, $"MediaContentType{i}")?.Split(';')[0].Trim() is { Length: > 0 and <= 100 } type ? type : "application/octet-stream";
            // The bytes stay with Twilio (fetched with the account's credentials); the URL is how to fetch them.
            attachments.Add(new InboundAttachment($"media{i}{Extension(contentType)}", contentType, 0, null, url));
        }
        return attachments;
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "video/mp4" => ".mp4",
        "audio/mpeg" => ".mp3",
        "audio/ogg" => ".ogg",
        "text/vcard" or "text/x-vcard" => ".vcf",
        "application/pdf" => ".pdf",
        _ => "",
    };
}
