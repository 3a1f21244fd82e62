using MassTransit;

namespace Omni.Messaging.Inbox;

/// <summary>
/// A scoped consume filter that wraps the consumer in <see cref="IInbox.ProcessOnceAsync"/>: the consumer shares the
/// scope (and so the DbContext and its transaction), and a redelivered message never reaches it twice.
/// Consumers behind it save through the scoped DbContext and must not open transactions of their own.
/// </summary>
public sealed class InboxFilter<TMessage>(IInbox inbox) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id; the inbox needs one");
        var consumer = context.ReceiveContext.InputAddress.Segments[^1].Trim('/');
        await inbox.ProcessOnceAsync(messageId, consumer, () => next.Send(context), context.CancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");
}
