using MassTransit;
using Omni.Channel.Extensions;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Contracts.Channel;
using Omni.Contracts.Identity;
using Omni.Messaging;
using Omni.Messaging.Outbox;

namespace Omni.Channel.Privacy;

/// <summary>
/// Erases what the transcript holds about a customer: the texts, sender (or recipient) addresses, provider details
/// (metadata: names, subjects, locations, call facts) and files of every message to and from them, and of messages from
/// their addresses still waiting for identity. Ids, times, channel, direction and delivery state stay, so counts and
/// reports stay true. Messages still queued to them are not sent: they fail, with <see cref="DeliveryFailed"/>.
/// External ids stay too: they are the providers' ids, and a provider that delivers an erased message again must find
/// it rather than store it anew. Erasing twice changes nothing the second time.
/// </summary>
public sealed class TranscriptErasure(ChannelDbContext db, TimeProvider clock, ILogger<TranscriptErasure> logger)
{
    public const string Reason = "The customer was erased";

    /// <summary>Erases within the caller's transaction (the consumer's inbox); returns how many messages it erased.</summary>
    public async Task<int> EraseAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // The addresses they wrote from: their messages still waiting for identity have no customer yet.
        var senders = await db.Messages.AsNoTracking()
            .Where(m => m.CustomerId == customerId && m.Direction == MessageDirection.Inbound && m.ErasedAt == null)
            .Select(m => new { m.SenderKind, m.SenderAddress })
            .Distinct()
            .ToListAsync(cancellationToken);
        var ids = await db.Messages.AsNoTracking().Where(m => m.CustomerId == customerId && m.ErasedAt == null).Select(m => m.Id).ToListAsync(cancellationToken);
        foreach (var kind in senders.GroupBy(s => s.SenderKind))
        {
            var addresses = kind.Select(s => s.SenderAddress).ToList();
            ids.AddRange(await db.Messages.AsNoTracking()
                .Where(m => m.CustomerId == null && m.ErasedAt == null && m.SenderKind == kind.Key && addresses.Contains(m.SenderAddress))
                .Select(m => m.Id)
                .ToListAsync(cancellationToken));
        }
        if (ids.Count == 0) return 0;

        // Not yet sent to them: it never will be. Not yet resolved: nobody to resolve any more.
        var queued = await db.Messages.Where(m => ids.Contains(m.Id) && m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Queued)
            .ToListAsync(cancellationToken);
        foreach (var message in queued)
        {
            message.Status = MessageStatus.Failed;
            db.Enqueue(new DeliveryFailed(message.Id, customerId, message.ConversationId, message.Channel, Reason, 0, now), clock);
        }
        await db.SaveChangesAsync(cancellationToken);
        await db.OutboundWork.Where(w => ids.Contains(w.MessageId)).ExecuteDeleteAsync(cancellationToken);
        await db.InboundWork.Where(w => ids.Contains(w.MessageId)).ExecuteDeleteAsync(cancellationToken);
        await db.Messages.Where(m => ids.Contains(m.Id) && m.Status == MessageStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Rejected), cancellationToken);

        await db.Attachments.Where(a => ids.Contains(a.MessageId)).ExecuteDeleteAsync(cancellationToken);
        await db.RawPayloads.Where(r => ids.Contains(r.MessageId)).ExecuteDeleteAsync(cancellationToken);
        var erased = await db.Messages.Where(m => ids.Contains(m.Id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Text, "")
                .SetProperty(m => m.SenderAddress, "")
                .SetProperty(m => m.Metadata, new Dictionary<string, string>())
                .SetProperty(m => m.StatusReason, m => m.Status == MessageStatus.Failed || m.Status == MessageStatus.Rejected ? Reason : null)
                .SetProperty(m => m.ErasedAt, now), cancellationToken);
        logger.LogInformation("Erased {Count} messages of customer {CustomerId}", erased, customerId);
        return erased;
    }
}

/// <summary>Identity's <see cref="CustomerErasureRequested"/>: the channel service erases its part of the customer.</summary>
public sealed class CustomerErasureConsumer(TranscriptErasure erasure) : IConsumer<CustomerErasureRequested>
{
    public Task Consume(ConsumeContext<CustomerErasureRequested> context) => erasure.EraseAsync(context.Message.CustomerId, context.CancellationToken);
}

public sealed class CustomerErasureConsumerDefinition : ConsumerDefinition<CustomerErasureConsumer>
{
    public CustomerErasureConsumerDefinition() => ConcurrentMessageLimit = ChannelConsumers.ConcurrentMessages;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CustomerErasureConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        endpointConfigurator.UseInbox(context);
    }
}
