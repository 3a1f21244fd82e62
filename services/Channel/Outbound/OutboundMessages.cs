using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Identity.Grpc;

namespace Omni.Channel.Outbound;

/// <summary>A message to send: to a customer, on a channel (or the one they used last), as part of a conversation.</summary>
public sealed record OutboundRequest(Guid CustomerId, Guid? ConversationId, string? Channel, string Text)
{
    /// <summary>An approved template to send instead of free-form text (WhatsApp outside its 24-hour window).</summary>
    public OutboundTemplate? Template { get; init; }

    /// <summary>The id the message gets (a command's id, so a repeat finds it); a new one when null.</summary>
    public Guid? MessageId { get; init; }

    /// <summary>Who speaks: <see cref="MessageSenders"/>.</summary>
    public string Sender { get; init; } = MessageSenders.Agent;

    /// <summary>Quick replies offered with the text (<see cref="OutboundActions"/>).</summary>
    public IReadOnlyList<string?>? Actions { get; init; }
}

public abstract record QueueOutcome
{
    public sealed record Queued(Message Message) : QueueOutcome;
    public sealed record Invalid(string Field, string Reason) : QueueOutcome;
    public sealed record Refused(string Reason) : QueueOutcome;
}

/// <summary>Signals the <see cref="OutboundDispatcher"/> that a message was queued.</summary>
public sealed class OutboundSignal : Omni.Messaging.WorkSignal;

/// <summary>
/// The one way out for every message (agent replies, bot answers, notifications): picks the channel, the account and
/// the customer's address there, stores the message with its outbound work in one transaction and returns; the
/// <see cref="OutboundDispatcher"/> hands it to the provider, retrying with backoff.
/// </summary>
public sealed class OutboundMessages(
    ChannelDbContext db,
    IEnumerable<IOutboundTransport> transports,
    IdentityApi.IdentityApiClient identity,
    OutboundSignal signal,
    TimeProvider clock)
{
    public const int MaxTextLength = 10_000;

    // Which identity kind reaches a customer on a channel.
    private static readonly Dictionary<string, string> IdentityKindFor = new()
    {
        [AccountKinds.Sms] = "phone",
        [AccountKinds.Voice] = "phone",
        [AccountKinds.WhatsApp] = "whatsapp",
        [AccountKinds.Email] = "email",
        [AccountKinds.Web] = "web-visitor",
        [AccountKinds.Partner] = "external",
    };

    public async Task<QueueOutcome> QueueAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        if (request.Template?.Check() is { } templateError) return new QueueOutcome.Invalid(templateError.Field, templateError.Reason);
        if (request.Template is null && string.IsNullOrWhiteSpace(request.Text)) return new QueueOutcome.Invalid("text", "Required and not blank.");
        if (request.Text.Length > MaxTextLength) return new QueueOutcome.Invalid("text", $"At most {MaxTextLength} characters.");
        if (!MessageSenders.All.Contains(request.Sender)) return new QueueOutcome.Invalid("sender", $"One of: {string.Join(", ", MessageSenders.All)}.");
        if (OutboundActions.Check(request.Actions) is { } actionsError) return new QueueOutcome.Invalid(actionsError.Field, actionsError.Reason);
        var actions = OutboundActions.Normalize(request.Actions);
        if (actions.Count > 0 && request.Template is not null) return new QueueOutcome.Invalid("actions", "A template brings its own buttons: not both.");

        if (request.MessageId is { } id && await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken) is { } earlier)
        {
            // The same command again (a redelivery, a retry by its sender): it was queued the first time.
            return earlier.Direction == MessageDirection.Outbound && earlier.CustomerId == request.CustomerId
                ? new QueueOutcome.Queued(earlier)
                : new QueueOutcome.Invalid("messageId", "Another message has this id.");
        }

        // The channel the customer used last, unless the caller names one.
        var lastInbound = await db.Messages.AsNoTracking()
            .Where(m => m.CustomerId == request.CustomerId && m.Direction == MessageDirection.Inbound && m.ErasedAt == null
                        && (request.Channel == null || m.Channel == request.Channel))
            .OrderByDescending(m => m.ReceivedAt)
            .Select(m => new { m.Channel, m.SenderKind, m.SenderAddress, m.AccountId })
            .FirstOrDefaultAsync(cancellationToken);
        var channel = request.Channel ?? lastInbound?.Channel;
        if (channel is null) return new QueueOutcome.Invalid("channel", "The customer has not written on any channel yet; name one.");

        var transport = transports.FirstOrDefault(t => t.Channel == channel);
        if (transport is null) return new QueueOutcome.Invalid("channel", $"Omni cannot send on '{channel}'.");
        if (request.Template is not null && channel != AccountKinds.WhatsApp) return new QueueOutcome.Invalid("template", "Templates are sent on WhatsApp only.");

        var (kind, address) = lastInbound is not null
            ? (lastInbound.SenderKind, lastInbound.SenderAddress)
            : await AddressFromIdentityAsync(request.CustomerId, channel, cancellationToken);
        if (string.IsNullOrEmpty(address)) return new QueueOutcome.Refused($"The customer has no address Omni can reach on {channel}.");

        var account = await db.Accounts.AsNoTracking()
            .Where(a => a.Kind == channel && a.DisabledAt == null && (lastInbound == null || lastInbound.AccountId == null || a.Id == lastInbound.AccountId))
            .OrderBy(a => a.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (account is null) return new QueueOutcome.Refused($"No {channel} account is set up.");

        var now = clock.GetUtcNow().TruncateToMicroseconds();
        var metadata = request.Template?.ToMetadata() ?? [];
        OutboundActions.Store(metadata, actions);
        var message = new Message
        {
            Id = request.MessageId ?? Guid.CreateVersion7(),
            Direction = MessageDirection.Outbound,
            Channel = channel,
            AccountId = account.Id,
            ConversationId = request.ConversationId,
            CustomerId = request.CustomerId,
            SenderKind = kind!,
            SenderAddress = address,
            Text = string.IsNullOrWhiteSpace(request.Text) && request.Template is not null ? request.Template.Describe() : request.Text,
            Sender = request.Sender,
            Metadata = metadata,
            ReceivedAt = now,
            Status = MessageStatus.Queued,
            TraceParent = System.Diagnostics.Activity.Current?.Id,
            TraceState = System.Diagnostics.Activity.Current?.TraceStateString,
        };
        if (await transport.RefuseAsync(message, account, cancellationToken) is { } reason) return new QueueOutcome.Refused(reason);

        db.Messages.Add(message);
        db.OutboundWork.Add(new OutboundWork { MessageId = message.Id, NextAttemptAt = now });
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return new QueueOutcome.Queued(message);
    }

    private async Task<(string? Kind, string? Address)> AddressFromIdentityAsync(Guid customerId, string channel, CancellationToken cancellationToken)
    {
        if (!IdentityKindFor.TryGetValue(channel, out var kind)) return (null, null);
        try
        {
            var customer = await identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
            var match = customer.Identities.Where(i => i.Kind == kind).OrderByDescending(i => i.Verified).FirstOrDefault();
            return (kind, match?.Address);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return (kind, null);
        }
    }
}
