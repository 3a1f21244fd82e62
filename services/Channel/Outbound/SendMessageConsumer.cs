using MassTransit;
using Omni.Channel.Extensions;
using Omni.Channel.Data;
using Omni.Contracts.Channel;
using Omni.Messaging;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;

namespace Omni.Channel.Outbound;

/// <summary>
/// The <see cref="SendMessage"/> command (from the bot, routing, …): queues the message through
/// <see cref="OutboundMessages"/> under the command's <see cref="SendMessage.MessageId"/>, so a repeated command sends
/// once. A command that cannot be carried out (no channel the customer can be reached on, a refused text) is answered
/// with <see cref="DeliveryFailed"/> and the reason, never dropped in silence.
/// </summary>
public sealed class SendMessageConsumer(
    OutboundMessages outbound, ChannelDbContext db, IInbox inbox, OutboundSignal signal, TimeProvider clock, ILogger<SendMessageConsumer> logger)
    : IConsumer<SendMessage>
{
    public async Task Consume(ConsumeContext<SendMessage> context)
    {
        var command = context.Message;
        var channel = string.IsNullOrWhiteSpace(command.Channel) ? null : command.Channel.Trim().ToLowerInvariant();
        var outcome = await outbound.QueueAsync(
            new OutboundRequest(command.CustomerId, command.ConversationId, channel, command.Text ?? "")
            {
                MessageId = command.MessageId,
                Sender = command.Sender?.Trim().ToLowerInvariant() ?? "",
                Actions = command.Actions,
            },
            context.CancellationToken);

        switch (outcome)
        {
            case QueueOutcome.Queued:
                // The dispatcher looks once the message is committed with the inbox row, not before.
                inbox.AfterCommit(() =>
                {
                    signal.Notify();
                    return Task.CompletedTask;
                });
                break;
            case QueueOutcome.Invalid invalid:
                Fail(command, channel, $"Invalid command: {invalid.Field}: {invalid.Reason}");
                break;
            case QueueOutcome.Refused refused:
                Fail(command, channel, refused.Reason);
                break;
        }
    }

    private void Fail(SendMessage command, string? channel, string reason)
    {
        logger.LogWarning("SendMessage {MessageId} for customer {CustomerId} not sent: {Reason}", command.MessageId, command.CustomerId, reason);
        db.Enqueue(new DeliveryFailed(command.MessageId, command.CustomerId, command.ConversationId, channel ?? "", reason, 0, clock.GetUtcNow()), clock);
    }
}

public sealed class SendMessageConsumerDefinition : ConsumerDefinition<SendMessageConsumer>
{
    public SendMessageConsumerDefinition() => ConcurrentMessageLimit = ChannelConsumers.ConcurrentMessages;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SendMessageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Identity unreachable while the customer's address is looked up, a race on the message id: retried, then the error queue.
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(6, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        endpointConfigurator.UseInbox(context);
    }
}
