using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;

namespace Omni.Channel.Email;

/// <summary>The metadata keys an e-mail carries in the transcript (inbound and outbound alike).</summary>
public static class EmailMetadata
{
    public const string Subject = "subject";
    public const string MessageId = "messageId";
    public const string InReplyTo = "inReplyTo";

    /// <summary>Message-IDs of the thread so far, oldest first, separated by spaces, without angle brackets.</summary>
    public const string References = "references";

    /// <summary>The Message-ID that started the thread: the first reference, else the parent, else the message's own.</summary>
    public const string ThreadId = "threadId";

    /// <summary>The whole text body as it arrived, quotes and signature included.</summary>
    public const string OriginalText = "originalText";

    public const string FromName = "fromName";
    public const string ReplyTo = "replyTo";

    /// <summary>The support mailbox it was sent to (inbound) or from (outbound).</summary>
    public const string Mailbox = "mailbox";

    /// <summary>Attachments that were not kept, with the reason: "setup.exe (blocked type); video.mp4 (over 10485760 bytes)".</summary>
    public const string DroppedAttachments = "droppedAttachments";

    /// <summary>"html" when the text was taken from an HTML body (there was no plain-text one).</summary>
    public const string TextSource = "textSource";

    public const string Truncated = "truncated";

    /// <summary>The Auto-Submitted header of an automatic mail (an out-of-office, a bounce): no customer typed it.</summary>
    public const string AutoSubmitted = "autoSubmitted";
}

/// <summary>Turns a MIME message delivered to a support mailbox into the channel's one inbound message.</summary>
public sealed class EmailParser(IOptions<EmailOptions> options)
{
    public const int MaxExternalIdLength = 200;

    // Executables and scripts a customer never needs to send to a support desk.
    private static readonly HashSet<string> BlockedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".mst", ".dll", ".cpl", ".sys", ".jar", ".js", ".jse",
        ".vbs", ".vbe", ".wsf", ".wsh", ".ws", ".ps1", ".psm1", ".psd1", ".hta", ".lnk", ".reg", ".sh", ".bash", ".app", ".apk",
        ".iso", ".img", ".vhd", ".vhdx", ".appx", ".msix", ".scf", ".inf", ".gadget", ".chm",
    };

    private static readonly HashSet<string> BlockedContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec", "application/x-executable",
        "application/vnd.microsoft.portable-executable", "application/x-sh", "application/x-shellscript", "application/java-archive",
        "application/x-ms-installer", "application/x-msi", "application/x-ms-shortcut", "application/hta", "application/x-bat",
    };

    private readonly EmailOptions _options = options.Value;

    // .NET itself knows only the Unicode encodings, ASCII and ISO-8859-1; without the code pages MimeKit reads mail in
    // windows-1252, iso-8859-15, koi8-r, shift_jis, … as ISO-8859-1 (€ becomes ¤, Outlook's quotes and dashes vanish).
    // Registered before any mail is loaded: the listener's store takes this parser in its constructor.
    static EmailParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// The inbound message for <paramref name="mime"/>. <paramref name="raw"/> names a message without a Message-ID
    /// (its hash is its id, so a repeated delivery is still recognised); <paramref name="envelopeFrom"/> stands in for a
    /// missing From header.
    /// </summary>
    public InboundMessage Parse(MimeMessage mime, ReadOnlySpan<byte> raw, string? envelopeFrom, ChannelAccount account)
    {
        var metadata = new Dictionary<string, string>
        {
            [EmailMetadata.Mailbox] = account.Address,
            [EmailMetadata.Subject] = mime.Subject ?? "",
        };

        var from = mime.From.Mailboxes.FirstOrDefault() ?? mime.Sender;
        var sender = from?.Address?.Trim() is { Length: > 0 } address ? address : envelopeFrom ?? "";
        if (!string.IsNullOrWhiteSpace(from?.Name)) metadata[EmailMetadata.FromName] = from.Name.Trim();
        if (mime.ReplyTo.Mailboxes.FirstOrDefault()?.Address is { } replyTo && !replyTo.Equals(sender, StringComparison.OrdinalIgnoreCase))
        {
            metadata[EmailMetadata.ReplyTo] = replyTo;
        }

        if (mime.Headers[HeaderId.AutoSubmitted] is { Length: > 0 } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            metadata[EmailMetadata.AutoSubmitted] = auto.Trim();
        }
        if (Automatic(mime) is { } automatic) metadata[InboundMetadata.Automatic] = automatic;

        // Thread: Message-ID, In-Reply-To and References, all without angle brackets.
        var messageId = string.IsNullOrWhiteSpace(mime.MessageId) ? null : mime.MessageId.Trim();
        var externalId = messageId is { Length: <= MaxExternalIdLength } ? messageId : "sha256:" + Hash(messageId is null ? raw : Encoding.UTF8.GetBytes(messageId));
        metadata[EmailMetadata.MessageId] = messageId ?? externalId;
        var references = mime.References.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (references.Count > 0) metadata[EmailMetadata.References] = string.Join(' ', references);
        var inReplyTo = string.IsNullOrWhiteSpace(mime.InReplyTo) ? null : mime.InReplyTo.Trim();
        if (inReplyTo is not null) metadata[EmailMetadata.InReplyTo] = inReplyTo;
        metadata[EmailMetadata.ThreadId] = references.FirstOrDefault() ?? inReplyTo ?? metadata[EmailMetadata.MessageId];

        var (body, fromHtml) = TextBody(mime);
        if (fromHtml) metadata[EmailMetadata.TextSource] = "html";
        var text = EmailText.StripQuotesAndSignature(body);
        if (body.Length > _options.MaxTextLength || text.Length > _options.MaxTextLength) metadata[EmailMetadata.Truncated] = "true";
        metadata[EmailMetadata.OriginalText] = Cap(body);

        var (attachments, dropped) = Attachments(mime);
        if (dropped.Count > 0) metadata[EmailMetadata.DroppedAttachments] = string.Join("; ", dropped);

        return new InboundMessage(AccountKinds.Email, "email", sender, Cap(text), externalId)
        {
            AccountId = account.Id,
            Metadata = metadata,
            Attachments = attachments,
        };
    }

    /// <summary>
    /// Why no customer typed this mail, or null: an auto-reply or other automatic mail by RFC 3834's Auto-Submitted (anything
    /// but "no"), the X-Autoreply/X-Autorespond headers of older responders, Precedence bulk/junk/auto_reply, or a report
    /// (a read receipt; bounces never get here, see <see cref="EmailBounces"/>).
    /// </summary>
    public static string? Automatic(MimeMessage mime)
    {
        if (mime.Headers[HeaderId.AutoSubmitted]?.Split(';')[0].Trim().ToLowerInvariant() is { Length: > 0 } auto && auto != "no") return auto;
        if (mime.Headers["X-Autoreply"] is { Length: > 0 } || mime.Headers["X-Autorespond"] is { Length: > 0 }) return "auto-replied";
        var precedence = mime.Headers["Precedence"]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "auto_reply") return "precedence-" + precedence;
        if (mime.Body is MultipartReport report) return "report-" + (report.ReportType ?? "unknown").ToLowerInvariant();
        return null;
    }

    // The text a mail client writes as the body: plain or HTML, not an attachment and not a named file shown inline.
    private static bool IsBodyText(MimeEntity entity) =>
        entity is TextPart { IsAttachment: false, FileName: null } text && (text.IsPlain || text.IsHtml);

    // The words of the body: of a multipart/alternative, the plain part when it has words in it (format=flowed
    // unwrapped), else the HTML as text (many clients send an empty plain part beside the HTML that holds everything);
    // of a multipart/mixed or related, its parts one after another (Apple Mail, writing plain text, splits it around an
    // inline photo).
    private static (string Text, bool FromHtml) TextBody(MimeMessage mime) =>
        mime.Body is { } body && BodyText(body) is { } text
            ? text
            : (mime.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment)?.Text ?? "", false);

    private static (string Text, bool FromHtml)? BodyText(MimeEntity entity)
    {
        switch (entity)
        {
            case TextPart part when IsBodyText(part):
                if (string.IsNullOrWhiteSpace(part.Text)) return null;
                return part.IsHtml ? (EmailText.FromHtml(part.Text), true) : (Unflowed(part), false);
            case MultipartAlternative alternative:
                var choices = alternative.Select(BodyText).OfType<(string Text, bool FromHtml)>().ToList();
                if (choices.Count == 0) return null;
                return choices.Where(c => !c.FromHtml).Select(c => ((string Text, bool FromHtml)?)c).FirstOrDefault() ?? choices[0];
            case Multipart multipart:
                var parts = multipart.Select(BodyText).OfType<(string Text, bool FromHtml)>().ToList();
                return parts.Count == 0 ? null : (string.Join("\n", parts.Select(p => p.Text)), parts.Any(p => p.FromHtml));
            default:
                return null;
        }
    }

    private static string Unflowed(TextPart plain)
    {
        var text = plain.Text ?? "";
        if (!plain.IsFlowed) return text;
        var converter = new FlowedToText
        {
            DeleteSpace = string.Equals(plain.ContentType.Parameters["delsp"], "yes", StringComparison.OrdinalIgnoreCase),
        };
        return converter.Convert(text);
    }

    // Every part that is not the body text: attachments, and files shown inline (Apple Mail's photos, pasted screenshots,
    // an invitation), which mail clients do not mark as attachments.
    private (List<InboundAttachment> Kept, List<string> Dropped) Attachments(MimeMessage mime)
    {
        var kept = new List<InboundAttachment>();
        var dropped = new List<string>();
        var number = 0;
        foreach (var entity in mime.BodyParts.Where(e => !IsBodyText(e)))
        {
            number++;
            var (name, contentType, content) = entity switch
            {
                MimePart part => (part.FileName, part.ContentType.MimeType, Decode(part)),
                MessagePart forwarded => (forwarded.Message?.Subject is { Length: > 0 } s ? s + ".eml" : null, "message/rfc822", Serialize(forwarded)),
                _ => (null, entity.ContentType.MimeType, null),
            };
            var fileName = SafeFileName(name, number);
            if (content is null)
            {
                dropped.Add($"{fileName} (unreadable)");
            }
            else if (IsBlocked(fileName, contentType, content))
            {
                dropped.Add($"{fileName} (blocked type)");
            }
            else if (content.LongLength > _options.MaxAttachmentSize)
            {
                dropped.Add($"{fileName} (over {_options.MaxAttachmentSize} bytes)");
            }
            else if (kept.Count >= _options.MaxAttachments)
            {
                dropped.Add($"{fileName} (more than {_options.MaxAttachments} attachments)");
            }
            else
            {
                kept.Add(new InboundAttachment(fileName, Truncate(contentType, 100), content.LongLength, content, null));
            }
        }
        return (kept, dropped);
    }

    private bool IsBlocked(string fileName, string contentType, byte[] content)
    {
        var extension = Path.GetExtension(fileName);
        if (BlockedExtensions.Contains(extension) || _options.BlockedExtensions.Any(e => string.Equals(NormalizeExtension(e), extension, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }
        if (BlockedContentTypes.Contains(contentType)) return true;
        // A renamed program still starts like one: Windows PE ("MZ") or ELF.
        return content is [(byte)'M', (byte)'Z', ..] || content is [0x7F, (byte)'E', (byte)'L', (byte)'F', ..];
    }

    private static string NormalizeExtension(string extension) => extension.StartsWith('.') ? extension : "." + extension;

    private static byte[]? Decode(MimePart part)
    {
        if (part.Content is null) return null;
        using var buffer = new MemoryStream();
        part.Content.DecodeTo(buffer);
        return buffer.ToArray();
    }

    private static byte[]? Serialize(MessagePart part)
    {
        if (part.Message is null) return null;
        using var buffer = new MemoryStream();
        part.Message.WriteTo(buffer);
        return buffer.ToArray();
    }

    private static string SafeFileName(string? name, int number)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        file = new string(file.Where(c => !char.IsControl(c)).ToArray()).Trim().Trim('.');
        if (file.Length == 0) file = $"attachment-{number}";
        if (file.Length > 255)
        {
            var extension = Path.GetExtension(file);
            file = file[..(255 - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }
        return file;
    }

    private string Cap(string text) => text.Length <= _options.MaxTextLength ? text : text[.._options.MaxTextLength];

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
