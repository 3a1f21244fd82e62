using MassTransit;
using Omni.Channel.Extensions;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;
using Omni.Contracts.Identity;
using Omni.Identity.Grpc;
using Omni.Messaging;

namespace Omni.Channel.Messages;

/// <summary>
/// Keeps the transcript's customer ids in step with identity's merges: after a merge every message of the merged
/// customer belongs to the survivor (so history, and the channel used last, are the one person's); after an undo the
/// messages to and from the identities that went back belong to the restored customer again.
/// </summary>
public sealed class CustomerMergesConsumer(ChannelDbContext db, IdentityApi.IdentityApiClient identity, ILogger<CustomerMergesConsumer> logger)
    : IConsumer<CustomersMerged>, IConsumer<CustomersUnmerged>
{
    public async Task Consume(ConsumeContext<CustomersMerged> context)
    {
        var merged = context.Message;
        var moved = await db.Messages.Where(m => m.CustomerId == merged.MergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CustomerId, merged.SurvivorId), context.CancellationToken);
        logger.LogInformation("Merge {MergeId}: {Count} messages of customer {MergedId} now belong to {SurvivorId}",
            merged.MergeId, moved, merged.MergedId, merged.SurvivorId);
    }

    public async Task Consume(ConsumeContext<CustomersUnmerged> context)
    {
        var unmerged = context.Message;
        // Which addresses went back is identity's to say; the messages follow their sender's (or recipient's) address.
        var restored = await identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = unmerged.MergedId.ToString() },
            deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: context.CancellationToken);
        var moved = 0;
        foreach (var kind in restored.Identities.GroupBy(i => i.Kind))
        {
            var addresses = kind.Select(i => i.Address).ToList();
            moved += await db.Messages
                .Where(m => m.CustomerId == unmerged.SurvivorId && m.SenderKind == kind.Key && addresses.Contains(m.SenderAddress))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.CustomerId, unmerged.MergedId), context.CancellationToken);
        }
        logger.LogInformation("Undo of merge {MergeId}: {Count} messages belong to customer {MergedId} again", unmerged.MergeId, moved, unmerged.MergedId);
    }
}

public sealed class CustomerMergesConsumerDefinition : ConsumerDefinition<CustomerMergesConsumer>
{
    public CustomerMergesConsumerDefinition() => ConcurrentMessageLimit = ChannelConsumers.ConcurrentMessages;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CustomerMergesConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Identity unreachable during an undo: retried with backoff, then left on the error queue for an operator.
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        endpointConfigurator.UseInbox(context);
    }
}
