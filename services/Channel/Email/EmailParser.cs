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

    // The plain-text body when there is one (format=flowed unwrapped), else the HTML body as text.
    private static (string Text, bool FromHtml) TextBody(MimeMessage mime)
    {
        var parts = mime.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment).ToList();
        if (parts.FirstOrDefault(p => p.IsPlain) is { } plain)
        {
            var text = plain.Text ?? "";
            if (plain.IsFlowed)
            {
                var converter = new FlowedToText
                {
                    DeleteSpace = string.Equals(plain.ContentType.Parameters["delsp"], "yes", StringComparison.OrdinalIgnoreCase),
                };
                text = converter.Convert(text);
            }
            return (text, false);
        }
        if (parts.FirstOrDefault(p => p.IsHtml) is { } html) return (EmailText.FromHtml(html.Text ?? ""), true);
        return (parts.FirstOrDefault()?.Text ?? "", false);
    }

    private (List<InboundAttachment> Kept, List<string> Dropped) Attachments(MimeMessage mime)
    {
        var kept = new List<InboundAttachment>();
        var dropped = new List<string>();
        var number = 0;
        foreach (var entity in mime.Attachments)
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
