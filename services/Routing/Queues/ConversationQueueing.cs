using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Contracts.Routing;
using Omni.Messaging;
using Omni.Messaging.Outbox;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Decisions;

namespace Omni.Routing.Queues;

/// <summary>Puts a conversation in the queue that fits it, starting its SLA clocks in that queue's business time.</summary>
public sealed class ConversationQueueing(RoutingDbContext db, TimeProvider clock, RouterSignal signal, RoutingMetrics metrics)
{
    /// <summary>Queues <paramref name="conversation"/> in <paramref name="queue"/> (or the one that fits); false when no queue exists at all.</summary>
    public async Task<Queue?> EnterAsync(
        Conversation conversation, string reason, CancellationToken cancellationToken, Queue? queue = null, Guid? actorId = null)
    {
        if (queue is null)
        {
            var queues = await db.Queues.AsNoTracking().ToListAsync(cancellationToken);
            queue = QueueSelector.Choose(queues, conversation.LastChannel, conversation.Topic, conversation.Language);
            if (queue is null) return null;
        }

        var now = clock.GetUtcNow();
        conversation.State = ConversationState.Queued;
        conversation.QueueId = queue.Id;
        conversation.Priority = queue.Priority;
        conversation.QueuedAt = now;
        conversation.OfferedAgentId = null;
        conversation.OfferExpiresAt = null;
        conversation.Units = 0;
        conversation.AgentId = null;
        conversation.AssignedAt = null;
        conversation.ExcludedAgents = [];
        conversation.ToldPosition = null;
        conversation.ToldWaitSeconds = null;

        var calendar = new BusinessCalendar(queue.Hours);
        if (conversation.FirstResponseAt is null)
        {
            conversation.FirstResponseDueAt = calendar.AddBusinessTime(now, TimeSpan.FromSeconds(queue.FirstResponseTargetSeconds));
        }
        conversation.ResolutionDueAt ??= calendar.AddBusinessTime(conversation.OpenedAt, TimeSpan.FromSeconds(queue.ResolutionTargetSeconds));

        db.Decide(conversation, "queued", $"Queued in \"{queue.Name}\": {reason}", now, queueId: queue.Id, actorId: actorId);
        db.Enqueue(new ConversationQueued(conversation.Id, conversation.CustomerId, queue.Id, queue.Name, queue.Priority, now), clock);
        metrics.Queued(queue.Name);
        signal.Notify();
        return queue;
    }
}

/// <summary>Wakes the router: something waits, an agent came online or freed capacity.</summary>
public sealed class RouterSignal : WorkSignal;
