using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Omni.Channel.Email;

/// <summary>
/// Takes mail only for the support mailboxes: RCPT TO an address that is not an enabled e-mail account's is refused
/// with 550 (the reply never says which mailboxes exist). The accepted recipients' accounts are remembered in the
/// session for <see cref="EmailMessageStore"/>.
/// </summary>
public sealed class SupportMailboxFilter(IServiceScopeFactory scopes, ILogger<SupportMailboxFilter> logger) : IMailboxFilter
{
    internal const string AccountsKey = "omni:accounts";

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var address = to.AsAddress().Trim().ToLowerInvariant();
        Guid? accountId;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            accountId = await db.Accounts.AsNoTracking()
                .Where(a => a.Kind == AccountKinds.Email && a.Address == address && a.DisabledAt == null)
                .Select(a => (Guid?)a.Id)
                .FirstOrDefaultAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The database being away is no reason to bounce a customer's mail: the sender tries again later.
            logger.LogWarning(ex, "Could not look up the recipient mailbox of SMTP session {SessionId}", context.SessionId);
            throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure, try again later"));
        }
        if (accountId is null)
        {
            EmailMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "unknown-recipient"));
            return false;
        }
        Accounts(context)[address] = accountId.Value;
        return true;
    }

    internal static ConcurrentDictionary<string, Guid> Accounts(ISessionContext context)
    {
        if (context.Properties.TryGetValue(AccountsKey, out var value) && value is ConcurrentDictionary<string, Guid> accounts) return accounts;
        accounts = new ConcurrentDictionary<string, Guid>(StringComparer.Ordinal);
        context.Properties[AccountsKey] = accounts;
        return accounts;
    }
}

/// <summary>
/// Stores each message through <see cref="InboundMessages.AcceptAsync"/> before the SMTP transaction is answered: 250
/// only once the message is in the database, 4xx when it could not be stored (the sending server keeps it and tries
/// again), 552 over the size limit. A repeated delivery (same Message-ID) is answered 250 and stored once.
/// </summary>
public sealed class EmailMessageStore(
    IServiceScopeFactory scopes,
    EmailParser parser,
    IOptions<SmtpListenerOptions> options,
    ILogger<EmailMessageStore> logger) : IMessageStore
{
    private static readonly ActivitySource ActivitySource = new("Omni.Channel");

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("receive email", ActivityKind.Server);
        activity?.SetTag("omni.channel", AccountKinds.Email);
        activity?.SetTag("omni.smtp.session", context.SessionId.ToString());

        // Clients that do not declare SIZE are held to the limit here.
        if (buffer.Length > options.Value.MaxMessageSize)
        {
            EmailMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "too-large"));
            return SmtpResponse.MaxMessageSizeExceeded;
        }

        var accounts = SupportMailboxFilter.Accounts(context);
        var accountId = transaction.To.Select(to => accounts.TryGetValue(to.AsAddress().Trim().ToLowerInvariant(), out var id) ? id : (Guid?)null)
            .FirstOrDefault(id => id is not null);
        if (accountId is null) return SmtpResponse.NoValidRecipientsGiven;

        var raw = buffer.ToArray();
        MimeMessage mime;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            mime = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException ex)
        {
            logger.LogWarning(ex, "SMTP session {SessionId}: the message is not MIME", context.SessionId);
            EmailMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "malformed"));
            return new SmtpResponse(SmtpReplyCode.TransactionFailed, "5.6.0 The message could not be read as MIME");
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var account = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == accountId.Value, cancellationToken);
            var envelopeFrom = transaction.From is { User.Length: > 0 } from ? from.AsAddress() : null;
            if (EmailBounces.Read(mime, envelopeFrom) is { } bounce)
            {
                // A mail server's report on an e-mail Omni sent, not a customer's message: it fails that e-mail, and is not stored.
                var applied = bounce is { Failed: true, OriginalMessageId: { } original }
                    && await scope.ServiceProvider.GetRequiredService<DeliveryStatuses>()
                        .ReportAsync(AccountKinds.Email, original, MessageStatus.Failed, bounce.Reason, cancellationToken);
                EmailMetrics.Bounces.Add(1, new KeyValuePair<string, object?>("applied", applied));
                logger.LogInformation("Bounce to account {AccountId}: {Outcome}", account.Id,
                    applied ? "the e-mail it returns is failed" : bounce.Failed ? "it returns no e-mail Omni knows; ignored" : "not final; ignored");
                return new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Ok: delivery report noted");
            }
            var inbound = parser.Parse(mime, raw, envelopeFrom, account) with { Raw = new InboundRaw("message/rfc822", raw) };
            var (message, created) = await scope.ServiceProvider.GetRequiredService<InboundMessages>().AcceptAsync(inbound, cancellationToken);
            activity?.SetTag("omni.message.id", message.Id);
            EmailMetrics.Received.Add(1, new KeyValuePair<string, object?>("repeat", !created));
            logger.LogInformation("E-mail {MessageId} for account {AccountId} {Outcome}", message.Id, account.Id, created ? "stored" : "was a repeat");
            return new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Ok: stored");
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogWarning(ex, "SMTP session {SessionId}: the message could not be stored; the sender will retry", context.SessionId);
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure, try again later");
        }
    }
}

internal static class EmailMetrics
{
    private static readonly Meter Meter = new("Omni.Channel");

    public static readonly Counter<long> Received = Meter.CreateCounter<long>("omni.channel.email.received", description: "E-mails stored from the SMTP listener (repeat=true: a repeated delivery)");

    public static readonly Counter<long> Bounces = Meter.CreateCounter<long>("omni.channel.email.bounces", description: "Bounces received (applied=true: they failed an e-mail Omni sent)");

    public static readonly Counter<long> Refused = Meter.CreateCounter<long>("omni.channel.email.refused", description: "E-mails or recipients the SMTP listener refused, by reason");
}
