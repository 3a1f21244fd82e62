using Grpc.Core;
using MassTransit;
using Omni.Channel.Extensions;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Omni.Contracts.Routing;
using Omni.Identity.Grpc;
using Omni.Messaging;

namespace Omni.Channel.Notifications;

/// <summary>
/// Keeps the customer informed: on a meaningful change of where their conversation stands, tells them on the channel
/// they used last, in their language. Never a flood: see <see cref="StatusNotices"/>.
/// </summary>
public sealed class StatusChangedConsumer(
    ChannelDbContext db, OutboundMessages outbound, IdentityApi.IdentityApiClient identity, ILogger<StatusChangedConsumer> logger)
    : IConsumer<StatusChanged>
{
    public async Task Consume(ConsumeContext<StatusChanged> context)
    {
        var status = context.Message;
        var cancellationToken = context.CancellationToken;
        var notice = await db.Notices.FirstOrDefaultAsync(n => n.ConversationId == status.ConversationId, cancellationToken);
        if (notice is not null && status.At <= notice.LastStatusAt) return; // late or repeated

        if (StatusNotices.IsMeaningful(notice, status) && StatusNotices.Text(status, await LanguageAsync(status, cancellationToken)) is { } text)
        {
            var outcome = await outbound.QueueAsync(new OutboundRequest(status.CustomerId, status.ConversationId, null, text) { Sender = MessageSenders.System }, cancellationToken);
            if (outcome is QueueOutcome.Queued)
            {
                notice ??= db.Notices.Add(new ConversationNotice { ConversationId = status.ConversationId, CustomerId = status.CustomerId, State = status.State }).Entity;
                notice.State = status.State;
                notice.Position = status.Position;
                notice.EstimatedWaitSeconds = status.EstimatedWaitSeconds;
                notice.LastToldAt = status.At;
                notice.Count++;
            }
            else
            {
                // The channel the customer used cannot carry a notice (the plain API, say): nothing to tell there.
                logger.LogInformation("Not telling customer {CustomerId} about conversation {ConversationId}: {Outcome}", status.CustomerId, status.ConversationId, outcome);
            }
        }

        if (notice is not null) notice.LastStatusAt = status.At;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The customer's own choice (identity), else the language they write in (routing's), else a guess from their address.</summary>
    private async Task<string> LanguageAsync(StatusChanged status, CancellationToken cancellationToken)
    {
        var customerId = status.CustomerId;
        try
        {
            var customer = await identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() },
                deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            if (customer.PreferredLanguage is "nl" or "en") return customer.PreferredLanguage;
        }
        catch (RpcException ex)
        {
            logger.LogDebug("Customer {CustomerId}'s language not known from identity ({Status})", customerId, ex.StatusCode);
        }
        if (status.Language is "nl" or "en") return status.Language;

        // Unknown: guess from where they wrote from; Dutch for Dutch and Belgian numbers and domains.
        var address = await db.Messages.AsNoTracking()
            .Where(m => m.CustomerId == customerId && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.ReceivedAt).Select(m => m.SenderAddress).FirstOrDefaultAsync(cancellationToken);
        return address is not null && (address.StartsWith("+31") || address.StartsWith("+32") || address.EndsWith(".nl") || address.EndsWith(".be")) ? "nl" : "en";
    }
}

public sealed class StatusChangedConsumerDefinition : ConsumerDefinition<StatusChangedConsumer>
{
    public StatusChangedConsumerDefinition() => ConcurrentMessageLimit = ChannelConsumers.ConcurrentMessages;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<StatusChangedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
        endpointConfigurator.UseInbox(context);
    }
}
