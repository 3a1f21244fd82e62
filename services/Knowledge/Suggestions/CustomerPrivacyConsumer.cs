using MassTransit;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Identity;
using Omni.Knowledge.Data;
using Omni.Messaging;

namespace Omni.Knowledge.Suggestions;

/// <summary>
/// The copies of customers' messages kept for suggestions follow identity: erased with the customer, and after a merge
/// held under the survivor (so a later erase of that person reaches them).
/// </summary>
public sealed partial class CustomerPrivacyConsumer(KnowledgeDbContext db, ILogger<CustomerPrivacyConsumer> logger)
    : IConsumer<CustomerErasureRequested>, IConsumer<CustomersMerged>
{
    public async Task Consume(ConsumeContext<CustomerErasureRequested> context)
    {
        var erased = await db.ConversationContexts.Where(c => c.CustomerId == context.Message.CustomerId).ExecuteDeleteAsync(context.CancellationToken);
        LogErased(context.Message.CustomerId, erased);
    }

    public async Task Consume(ConsumeContext<CustomersMerged> context) =>
        await db.ConversationContexts.Where(c => c.CustomerId == context.Message.MergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, context.Message.SurvivorId), context.CancellationToken);

    [LoggerMessage(LogLevel.Information, "Erased the message copies of customer {CustomerId}: {Conversations} conversation(s)")]
    private partial void LogErased(Guid customerId, int conversations);
}

public sealed class CustomerPrivacyConsumerDefinition : ConsumerDefinition<CustomerPrivacyConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CustomerPrivacyConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        endpointConfigurator.UseInbox(context);
    }
}
