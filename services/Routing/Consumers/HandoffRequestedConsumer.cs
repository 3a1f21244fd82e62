using MassTransit;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Knowledge;
using Omni.Messaging;
using Omni.Messaging.Inbox;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Queues;

namespace Omni.Routing.Consumers;

/// <summary>
/// The bot lets go: the conversation goes to a queue at once (chosen by the bot's topic, the channel and the language),
/// carrying what the customer already said so the agent need not ask again. A handoff for a conversation already with
/// people, or closed, changes nothing. Also notes the bot's answers, so its silence can be noticed.
/// </summary>
public sealed class HandoffRequestedConsumer(RoutingDbContext db, ConversationQueueing queueing, IInbox inbox, RouterSignal router)
    : IConsumer<HandoffRequested>, IConsumer<BotAnswered>
{
    private static readonly Dictionary<string, string> Reasons = new()
    {
        ["asked"] = "the customer asked for a person.",
        ["max-turns"] = "the bot reached its maximum number of turns.",
        ["no-answer"] = "the bot had no good answer.",
    };

    public async Task Consume(ConsumeContext<HandoffRequested> context)
    {
        var handoff = context.Message;
        var conversation = await db.Conversations
            .FromSqlInterpolated($"SELECT *, xmin FROM conversations WHERE \"Id\" = {handoff.ConversationId} FOR UPDATE")
            .FirstOrDefaultAsync(context.CancellationToken);
        if (conversation is null || !ConversationState.IsOpen(conversation.State)) return;

        // What the bot learned reaches the agent even when the conversation went to a person before the handoff arrived.
        conversation.Topic = handoff.Topic?.Trim().ToLowerInvariant() ?? conversation.Topic;
        conversation.Language = handoff.Language?.Trim().ToLowerInvariant() ?? conversation.Language;
        conversation.Summary = handoff.Summary is { Length: > 2000 } summary ? summary[..2000] : handoff.Summary ?? conversation.Summary;
        if (conversation.State is not (ConversationState.New or ConversationState.Bot)) return;
        await queueing.EnterAsync(conversation, Reasons.GetValueOrDefault(handoff.Reason, $"the bot handed over ({handoff.Reason})."), context.CancellationToken);
        inbox.AfterCommit(() =>
        {
            router.Notify();
            return Task.CompletedTask;
        });
    }

    public async Task Consume(ConsumeContext<BotAnswered> context)
    {
        var answered = context.Message;
        await db.Conversations
            .Where(c => c.Id == answered.ConversationId && (c.LastBotAnswerAt == null || c.LastBotAnswerAt < answered.At))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.LastBotAnswerAt, answered.At), context.CancellationToken);
    }
}

public sealed class HandoffRequestedConsumerDefinition : ConsumerDefinition<HandoffRequestedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HandoffRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)));
        endpointConfigurator.UseInbox(context);
    }
}
