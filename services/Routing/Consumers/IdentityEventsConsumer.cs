using MassTransit;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Identity;
using Omni.Messaging;
using Omni.Messaging.Inbox;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Decisions;
using Omni.Routing.Queues;

namespace Omni.Routing.Consumers;

/// <summary>
/// Keeps routing's view of people in step with identity: its copy of agents (name, disabled) and, after a merge, the
/// merged customer's conversations under the survivor — two open ones become one, the survivor's, with every message.
/// </summary>
public sealed class IdentityEventsConsumer(RoutingDbContext db, PresenceStore presence, IInbox inbox, RouterSignal router, TimeProvider clock, ILogger<IdentityEventsConsumer> logger)
    : IConsumer<AgentChanged>, IConsumer<CustomersMerged>
{
    public async Task Consume(ConsumeContext<AgentChanged> context)
    {
        var changed = context.Message;
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == changed.AgentId, context.CancellationToken);
        if (agent is null)
        {
            db.Agents.Add(new RoutingAgent { Id = changed.AgentId, Name = changed.Name, Disabled = changed.Disabled, IdleSince = changed.ChangedAt, UpdatedAt = changed.ChangedAt });
        }
        else if (agent.UpdatedAt <= changed.ChangedAt)
        {
            agent.Name = changed.Name;
            agent.Disabled = changed.Disabled;
            agent.UpdatedAt = changed.ChangedAt;
        }
        if (changed.Disabled)
        {
            inbox.AfterCommit(async () =>
            {
                await presence.SetAsync(changed.AgentId, PresenceStates.Offline);
                router.Notify();
            });
        }
    }

    public async Task Consume(ConsumeContext<CustomersMerged> context)
    {
        var merged = context.Message;
        var cancellationToken = context.CancellationToken;
        var now = clock.GetUtcNow();
        var open = await db.Conversations
            .FromSqlRaw($"SELECT *, xmin FROM conversations WHERE \"CustomerId\" IN ({{0}}, {{1}}) AND {ConversationState.OpenFilter} FOR UPDATE", merged.SurvivorId, merged.MergedId)
            .ToListAsync(cancellationToken);
        var survivorOpen = open.FirstOrDefault(c => c.CustomerId == merged.SurvivorId);
        var mergedOpen = open.FirstOrDefault(c => c.CustomerId == merged.MergedId);
        if (survivorOpen is not null && mergedOpen is not null)
        {
            // One person, one open conversation: the survivor's keeps going with the other's messages.
            await db.ConversationMessages.Where(m => m.ConversationId == mergedOpen.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ConversationId, survivorOpen.Id), cancellationToken);
            mergedOpen.State = ConversationState.Closed;
            mergedOpen.OfferedAgentId = null;
            mergedOpen.Units = 0;
            mergedOpen.ResolvedAt = now;
            db.Decide(mergedOpen, "merged", $"The customer was merged into another; its messages continue in conversation {survivorOpen.Id}.", now);
            db.Decide(survivorOpen, "merged", $"The messages of conversation {mergedOpen.Id} joined this one after a customer merge.", now);
            if (mergedOpen.LastMessageAt > survivorOpen.LastMessageAt)
            {
                survivorOpen.LastMessageAt = mergedOpen.LastMessageAt;
                survivorOpen.LastChannel = mergedOpen.LastChannel;
            }
            await db.SaveChangesAsync(cancellationToken);
        }

        var moved = await db.Conversations.Where(c => c.CustomerId == merged.MergedId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, merged.SurvivorId), cancellationToken);
        logger.LogInformation("Merge {MergeId}: {Count} conversations of customer {MergedId} now belong to {SurvivorId}", merged.MergeId, moved, merged.MergedId, merged.SurvivorId);
        inbox.AfterCommit(() =>
        {
            router.Notify();
            return Task.CompletedTask;
        });
    }
}

public sealed class IdentityEventsConsumerDefinition : ConsumerDefinition<IdentityEventsConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<IdentityEventsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)));
        endpointConfigurator.UseInbox(context);
    }
}
