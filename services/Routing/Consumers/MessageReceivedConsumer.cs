using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Contracts.Channel;
using Omni.Contracts.Routing;
using Omni.Messaging;
using Omni.Messaging.Outbox;
using Omni.Messaging.Inbox;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Decisions;
using Omni.Routing.Desk;
using Omni.Routing.Queues;
using Omni.Routing.Session;

namespace Omni.Routing.Consumers;

/// <summary>
/// Attaches an arrived message to the customer's open conversation, opening one when there is none (linked to a
/// conversation resolved within the reopen window: a repeat contact). A new conversation goes to the bot on channels
/// where it answers first, else straight into a queue; a customer answering their agent puts it back with the agent.
/// </summary>
public sealed class MessageReceivedConsumer(
    RoutingDbContext db, IInbox inbox, SessionContextStore session, ConversationQueueing queueing, DeskNotifier desk,
    RouterSignal router, RoutingMetrics metrics, IOptions<RoutingOptions> options, TimeProvider clock, ILogger<MessageReceivedConsumer> logger)
    : IConsumer<MessageReceived>
{
    public async Task Consume(ConsumeContext<MessageReceived> context)
    {
        var received = context.Message;
        var cancellationToken = context.CancellationToken;
        var now = clock.GetUtcNow();

        // Locks the open conversation until commit: concurrent attaches for one customer then compare with the
        // latest LastMessageAt instead of overwriting each other's (lost update).
        var conversation = (await db.Conversations
            .FromSqlRaw($"SELECT *, xmin FROM conversations WHERE \"CustomerId\" = {{0}} AND {ConversationState.OpenFilter} FOR UPDATE", received.CustomerId)
            .ToListAsync(cancellationToken)).SingleOrDefault();
        if (conversation is null)
        {
            conversation = await OpenAsync(received, now, cancellationToken);
        }
        else if (conversation.State == ConversationState.WaitingOnCustomer)
        {
            conversation.State = ConversationState.Assigned;
            db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Assigned, null, null, null, now), clock);
        }
        else if (conversation.State == ConversationState.Bot && !options.Value.BotChannels.Contains(received.Channel))
        {
            // The bot answers on chat channels only: a customer who calls or e-mails while talking to it wants a person
            // (and a call, a call-back request or an e-mail is nothing the bot should answer by text).
            await queueing.EnterAsync(conversation, $"the customer turned to {received.Channel}, where the bot does not answer.", cancellationToken);
        }

        db.ConversationMessages.Add(new ConversationMessage
        {
            MessageId = received.MessageId,
            ConversationId = conversation.Id,
            Channel = received.Channel,
            ReceivedAt = received.ReceivedAt,
            AttachedAt = now,
        });
        if (received.ReceivedAt >= conversation.LastMessageAt)
        {
            conversation.LastMessageAt = received.ReceivedAt;
            conversation.LastChannel = received.Channel;
        }
        db.Enqueue(new MessageAttached(conversation.Id, conversation.CustomerId, received.MessageId, received.Channel, conversation.State, received.ReceivedAt), clock);

        var (customerId, conversationId, lastChannel, lastMessageAt, agentId, state) =
            (conversation.CustomerId, conversation.Id, conversation.LastChannel, conversation.LastMessageAt, conversation.AgentId, conversation.State);
        inbox.AfterCommit(async () =>
        {
            await session.RecordMessageAsync(customerId, conversationId, lastChannel, lastMessageAt);
            if (agentId is { } agent) await desk.MessageAsync(agent, new MessageNotice(conversationId, customerId, received.MessageId, received.Channel, received.ReceivedAt));
            if (state == ConversationState.Queued) router.Notify();
        });
    }

    private async Task<Conversation> OpenAsync(MessageReceived received, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var window = now - options.Value.ReopenWindow;
        var previous = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == received.CustomerId && c.State == ConversationState.Resolved && c.ResolvedAt >= window)
            .OrderByDescending(c => c.ResolvedAt)
            .Select(c => new { c.Id, c.AgentId, c.QueueId, c.Topic, c.Language })
            .FirstOrDefaultAsync(cancellationToken);

        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = received.CustomerId,
            State = ConversationState.New,
            OpenedAt = now,
            LastMessageAt = received.ReceivedAt,
            LastChannel = received.Channel,
            ReopenedFromId = previous?.Id,
            PreviousAgentId = previous?.AgentId,
            Topic = previous?.Topic,
            Language = previous?.Language,
        };
        db.Conversations.Add(conversation);
        db.Enqueue(new ConversationOpened(conversation.Id, conversation.CustomerId, received.Channel, now), clock);
        metrics.Opened(received.Channel, previous is not null);
        if (previous is not null)
        {
            db.Decide(conversation, "reopened",
                $"The customer came back within {options.Value.ReopenWindow.TotalDays:0} days of conversation {previous.Id} being resolved: a repeat contact" +
                (previous.AgentId is null ? "." : "; its agent is preferred."), now, agentId: previous.AgentId);
        }
        else
        {
            db.Decide(conversation, "opened", $"First message on {received.Channel} found no open conversation.", now);
        }

        if (options.Value.BotChannels.Contains(received.Channel))
        {
            conversation.State = ConversationState.Bot;
            db.Decide(conversation, "bot", $"The bot answers first on {received.Channel}; the customer can ask for a person at any time.", now);
            db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Bot, null, null, null, now), clock);
        }
        else if (await queueing.EnterAsync(conversation, $"the bot does not answer on {received.Channel}.", cancellationToken) is null)
        {
            logger.LogWarning("No queue exists: conversation {ConversationId} stays new until one is created", conversation.Id);
        }
        logger.LogInformation("Conversation {ConversationId} opened for customer {CustomerId} in state {State}", conversation.Id, conversation.CustomerId, conversation.State);
        return conversation;
    }
}

/// <summary>Retries (a racing consumer may have just opened the conversation) around the inbox, one transaction per attempt.</summary>
public sealed class MessageReceivedConsumerDefinition : ConsumerDefinition<MessageReceivedConsumer>
{
    public MessageReceivedConsumerDefinition()
    {
        // Each message is one short transaction; enough in flight to keep PostgreSQL busy, bounded by the pool.
        ConcurrentMessageLimit = 32;
        Endpoint(endpoint => endpoint.PrefetchCount = 64);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MessageReceivedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)));
        endpointConfigurator.UseInbox(context);
    }
}
