using System.Text.RegularExpressions;
using MimeKit;

namespace Omni.Channel.Email;

/// <summary>What a bounce says: which e-mail Omni sent it returns (its Message-ID, when it can be found), and whether for good.</summary>
public sealed record EmailBounce(string? OriginalMessageId, bool Failed, string Reason);

/// <summary>
/// Recognises bounces among the mail delivered to a support mailbox. A bounce is a mail server's report on an e-mail Omni
/// sent, not a customer's message: it fails that e-mail (as a provider's status callback would) instead of opening a
/// conversation with a mailer daemon.
/// </summary>
public static partial class EmailBounces
{
    /// <summary>
    /// The bounce <paramref name="mime"/> is, or null when it is none: a delivery status notification (RFC 3464,
    /// multipart/report; report-type=delivery-status), or the older kind a mailer daemon writes as text
    /// (X-Failed-Recipients, or From MAILER-DAEMON, or postmaster with the empty envelope sender bounces are sent with).
    /// </summary>
    public static EmailBounce? Read(MimeMessage mime, string? envelopeFrom)
    {
        if (mime.Body is MultipartReport report && string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            var (failed, reason) = Status(mime);
            return new EmailBounce(OriginalMessageId(mime), failed, reason);
        }
        var from = mime.From.Mailboxes.FirstOrDefault()?.LocalPart ?? "";
        if (mime.Headers["X-Failed-Recipients"] is { Length: > 0 }
            || from.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
            || (envelopeFrom is null && from.Equals("postmaster", StringComparison.OrdinalIgnoreCase)))
        {
            return new EmailBounce(OriginalMessageId(mime), true, "The recipient's mail server returned it as undeliverable");
        }
        return null;
    }

    // Per recipient: Action failed (for good) or delayed, relayed, delivered, expanded (nothing to fail); Status 5.1.1;
    // Diagnostic-Code "smtp; 550 5.1.1 … user unknown".
    private static (bool Failed, string Reason) Status(MimeMessage mime)
    {
        const string unknown = "The recipient's mail server returned it as undeliverable";
        if (mime.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault() is not { } status) return (true, unknown);
        List<HeaderList> recipients;
        try
        {
            recipients = status.StatusGroups.Skip(1).ToList();
        }
        catch (FormatException)
        {
            return (true, unknown);
        }
        if (recipients.Count == 0) return (true, unknown);

        var failure = recipients.FirstOrDefault(r => Field(r, "Action")?.ToLowerInvariant() == "failed");
        if (failure is null) return (false, "The mail server reports " + string.Join(", ", recipients.Select(r => Field(r, "Action") ?? "nothing").Distinct()));
        var code = Field(failure, "Status");
        var diagnostic = Field(failure, "Diagnostic-Code") is { } d ? Address().Replace(DiagnosticType().Replace(d, ""), "[address]") : null;
        return (true, "The recipient's mail server returned it" + (code is null ? "" : $": {code}") + (diagnostic is null ? "" : $" ({diagnostic})"));
    }

    private static string? Field(HeaderList fields, string name) => fields[name]?.Trim() is { Length: > 0 } value ? value : null;

    // The returned message (message/rfc822) or just its headers (text/rfc822-headers, which MimeKit reads as a message
    // part too); else a Message-ID line quoted in the text ("This is a copy of the message, including all the headers");
    // else what the bounce says it answers.
    private static string? OriginalMessageId(MimeMessage mime)
    {
        foreach (var returned in mime.BodyParts.OfType<MessagePart>())
        {
            if (returned.Message?.MessageId is { Length: > 0 } id) return id;
        }
        foreach (var text in mime.BodyParts.OfType<TextPart>())
        {
            foreach (Match quoted in QuotedMessageId().Matches(text.Text ?? ""))
            {
                if (quoted.Groups[1].Value != mime.MessageId) return quoted.Groups[1].Value;
            }
        }
        return mime.InReplyTo ?? mime.References.LastOrDefault();
    }

    [GeneratedRegex(@"^Message-ID:\s*<([^<>\s]+)>", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex QuotedMessageId();

    [GeneratedRegex(@"^\s*[A-Za-z-]+;\s*")]
    private static partial Regex DiagnosticType();

    // Reasons end up in logs and on the bus, which carry no personal data: a server's reply repeats the address.
    [GeneratedRegex(@"<?[^\s<>""'();]+@[^\s<>""'();]+>?")]
    private static partial Regex Address();
}
