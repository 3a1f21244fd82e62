using MassTransit;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Channel;
using Omni.Contracts.Routing;
using Omni.Messaging;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Session;

namespace Omni.Routing.Consumers;

/// <summary>Attaches an arrived message to the customer's open conversation, opening one when there is none.</summary>
public sealed class MessageReceivedConsumer(
    RoutingDbContext db, IInbox inbox, SessionContextStore session, TimeProvider clock, ILogger<MessageReceivedConsumer> logger)
    : IConsumer<MessageReceived>
{
    public async Task Consume(ConsumeContext<MessageReceived> context)
    {
        var received = context.Message;
        var cancellationToken = context.CancellationToken;

        // Locks the open conversation until commit: concurrent attaches for one customer then compare with the
        // latest LastMessageAt instead of overwriting each other's (lost update).
        var conversation = (await db.Conversations
            .FromSqlInterpolated($"SELECT * FROM conversations WHERE \"CustomerId\" = {received.CustomerId} AND \"Status\" = 'Open' FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();
        if (conversation is null)
        {
            var now = clock.GetUtcNow();
            conversation = new Conversation
            {
                Id = Guid.CreateVersion7(),
                CustomerId = received.CustomerId,
                Status = ConversationStatus.Open,
                OpenedAt = now,
                LastMessageAt = received.ReceivedAt,
                LastChannel = received.Channel,
            };
            db.Conversations.Add(conversation);
            db.Enqueue(new ConversationOpened(conversation.Id, conversation.CustomerId, received.Channel, now), clock);
            db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, "new", null, null, null, now), clock);
            logger.LogInformation("Conversation {ConversationId} opened for customer {CustomerId}", conversation.Id, conversation.CustomerId);
        }

        db.ConversationMessages.Add(new ConversationMessage
        {
            MessageId = received.MessageId,
            ConversationId = conversation.Id,
            Channel = received.Channel,
            ReceivedAt = received.ReceivedAt,
            AttachedAt = clock.GetUtcNow(),
        });
        if (received.ReceivedAt >= conversation.LastMessageAt)
        {
            conversation.LastMessageAt = received.ReceivedAt;
            conversation.LastChannel = received.Channel;
        }

        var (customerId, conversationId, lastChannel, lastMessageAt) = (conversation.CustomerId, conversation.Id, conversation.LastChannel, conversation.LastMessageAt);
        inbox.AfterCommit(() => session.RecordMessageAsync(customerId, conversationId, lastChannel, lastMessageAt));
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
