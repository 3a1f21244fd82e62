using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.Email;

/// <summary>
/// Sends e-mail through the configured relay with MailKit: from the support mailbox (display name: the account's
/// name) to the customer, as a reply in the thread of the customer's latest e-mail on that mailbox ("Re: " subject,
/// In-Reply-To, References). The Message-ID is made from the message's own id, so a retry after an unclear outcome
/// carries the same one and the customer's mail client shows it once. 4xx replies and connection failures are
/// retried; a 5xx reply fails the message at once.
/// </summary>
public sealed partial class EmailTransport(IServiceScopeFactory scopes, IOptions<EmailOptions> options, ILogger<EmailTransport> logger) : IOutboundTransport
{
    public string Channel => AccountKinds.Email;

    public Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(options.Value.RelayHost)
            ? "No e-mail relay is configured (Channel:Email:RelayHost)."
            : null);

    public async Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.RelayHost)) return new TransportResult.Failed("No e-mail relay is configured");
        if (!MailboxAddress.TryParse(message.SenderAddress, out var recipient)) return new TransportResult.Failed("The recipient is not an e-mail address");

        var thread = await ThreadOfAsync(message, account, cancellationToken);
        var mime = Compose(message, account, recipient, thread, settings);
        var messageId = mime.MessageId ?? "";
        // The transcript keeps the thread of what was sent; the dispatcher saves it with the outcome.
        message.Metadata = new Dictionary<string, string>(message.Metadata)
        {
            [EmailMetadata.Mailbox] = account.Address,
            [EmailMetadata.Subject] = mime.Subject ?? "",
            [EmailMetadata.MessageId] = messageId,
            [EmailMetadata.ThreadId] = thread?.ThreadId ?? messageId,
        };
        if (mime.InReplyTo is { } inReplyTo) message.Metadata[EmailMetadata.InReplyTo] = inReplyTo;
        if (mime.References.Count > 0) message.Metadata[EmailMetadata.References] = string.Join(' ', mime.References);

        using var client = new SmtpClient { LocalDomain = Domain(account.Address) };
        try
        {
            await client.ConnectAsync(settings.RelayHost, settings.RelayPort, settings.RelaySecurity, cancellationToken);
            if (!string.IsNullOrEmpty(settings.RelayUserName))
            {
                await client.AuthenticateAsync(settings.RelayUserName, settings.RelayPassword ?? "", cancellationToken);
            }
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            return new TransportResult.Failed($"The relay refused it: {(int)ex.StatusCode} {Redact(ex.Message)}");
        }
        catch (SmtpCommandException ex)
        {
            return new TransportResult.Retry($"The relay deferred it: {(int)ex.StatusCode} {Redact(ex.Message)}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or AuthenticationException or SslHandshakeException or ServiceNotConnectedException)
        {
            return new TransportResult.Retry($"The relay could not be reached: {Redact(ex.GetBaseException().Message)}");
        }
        logger.LogInformation("E-mail {MessageId} handed to the relay", message.Id);
        return new TransportResult.Accepted(messageId);
    }

    private static MimeMessage Compose(Message message, ChannelAccount account, MailboxAddress recipient, Thread? thread, EmailOptions settings)
    {
        var mime = new MimeMessage
        {
            MessageId = $"{message.Id:N}@{Domain(account.Address)}",
            Date = message.ReceivedAt,
            Subject = thread is null ? string.Format(settings.DefaultSubject, account.Name) : ReplySubject(thread.Subject),
        };
        mime.From.Add(new MailboxAddress(account.Name, account.Address));
        mime.To.Add(recipient);
        // What the bot or the system writes is an automatic answer (RFC 3834): the customer's own out-of-office does not
        // answer it back, so two auto-responders never keep each other busy. A person's reply is a reply like any other.
        if (message.Sender is MessageSenders.Bot or MessageSenders.System) mime.Headers.Add("Auto-Submitted", "auto-replied");
        // A customer's message without a Message-ID is known by a hash, which is no id to refer to.
        if (thread is not null && thread.MessageId.Contains('@'))
        {
            mime.InReplyTo = thread.MessageId;
            foreach (var reference in thread.References) mime.References.Add(reference);
            mime.References.Add(thread.MessageId);
        }

        // Quick replies as a last line: the customer answers with one of them.
        var body = new BodyBuilder { TextBody = OutboundActions.PlainText(message.Text, message.Metadata) };
        foreach (var attachment in message.Attachments.Where(a => a.Content is not null))
        {
            body.Attachments.Add(attachment.FileName, attachment.Content!, ContentType.Parse(attachment.ContentType));
        }
        mime.Body = body.ToMessageBody();
        return mime;
    }

    // "Re: " once, however often the thread went back and forth.
    private static string ReplySubject(string subject)
    {
        var trimmed = subject.Trim();
        return trimmed.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? trimmed : "Re: " + trimmed;
    }

    private sealed record Thread(string MessageId, IReadOnlyList<string> References, string Subject, string ThreadId);

    // The customer's latest e-mail to this mailbox: the one this message answers.
    private async Task<Thread?> ThreadOfAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var metadata = await db.Messages.AsNoTracking()
            .Where(m => m.Direction == MessageDirection.Inbound && m.Channel == AccountKinds.Email && m.AccountId == account.Id
                        && (m.CustomerId == message.CustomerId || m.SenderAddress == message.SenderAddress)
                        && m.ReceivedAt <= message.ReceivedAt)
            .OrderByDescending(m => m.ReceivedAt)
            .Select(m => m.Metadata)
            .FirstOrDefaultAsync(cancellationToken);
        if (metadata?.GetValueOrDefault(EmailMetadata.MessageId) is not { Length: > 0 } messageId) return null;
        var references = (metadata.GetValueOrDefault(EmailMetadata.References) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        return new Thread(messageId, references, metadata.GetValueOrDefault(EmailMetadata.Subject) ?? "",
            metadata.GetValueOrDefault(EmailMetadata.ThreadId) ?? messageId);
    }

    // Reasons end up in logs and on the bus: a relay's reply often repeats the recipient's address.
    private static string Redact(string reply) => Address().Replace(reply, "<address>");

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s<>""']+@[^\s<>""']+")]
    private static partial System.Text.RegularExpressions.Regex Address();

    private static string Domain(string mailbox) => mailbox[(mailbox.LastIndexOf('@') + 1)..];
}
