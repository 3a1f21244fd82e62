using System.Collections.Concurrent;
using MassTransit;
using Omni.Testing;

namespace Omni.Messaging.Tests.Shop;

/// <summary>
/// The messages the shop's endpoint has finished with (after its retries and its inbox), as MassTransit reports them.
/// A duplicate the inbox skipped counts too: it was delivered, just not applied.
/// </summary>
public sealed class Deliveries : IConsumeObserver
{
    private readonly ConcurrentQueue<(Guid? MessageId, OrderPlaced Message)> _completed = new();

    public int Of(Guid messageId) => _completed.Count(d => d.MessageId == messageId);

    public int ForOrder(Guid orderId) => _completed.Count(d => d.Message.OrderId == orderId);

    public Task WaitForAsync(Guid messageId, int times = 1) =>
        Eventually.True(() => Task.FromResult(Of(messageId) >= times), $"message {messageId} to be consumed {times} time(s)");

    Task IConsumeObserver.PreConsume<T>(ConsumeContext<T> context) => Task.CompletedTask;

    Task IConsumeObserver.PostConsume<T>(ConsumeContext<T> context)
    {
        if (context.Message is OrderPlaced placed) _completed.Enqueue((context.MessageId, placed));
        return Task.CompletedTask;
    }

    Task IConsumeObserver.ConsumeFault<T>(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;
}
