using System.Collections.Concurrent;
using MassTransit;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;

namespace Omni.Messaging.Tests.Shop;

/// <summary>
/// Ships a placed order: one shipment row and its event, written together, and a notice to the customer once they are
/// committed. Shaped like a real consumer behind the inbox (Routing's MessageReceivedConsumer).
/// </summary>
public sealed class ShippingConsumer(ShopDbContext db, IInbox inbox, ShippingFaults faults, ShippingNotices notices)
    : IConsumer<OrderPlaced>
{
    public async Task Consume(ConsumeContext<OrderPlaced> context)
    {
        var order = context.Message;
        var shipment = new Shipment { Id = Guid.CreateVersion7(), OrderId = order.OrderId, MessageId = context.MessageId!.Value };
        db.Shipments.Add(shipment);
        db.Enqueue(new OrderShipped(order.OrderId, shipment.Id));
        inbox.AfterCommit(() =>
        {
            notices.Add(order.OrderId);
            return Task.CompletedTask;
        });

        // Flushed inside the inbox's transaction, so a failure after it has a written row to take back.
        await db.SaveChangesAsync(context.CancellationToken);
        if (faults.ShouldFail(order.OrderId))
        {
            throw new InvalidOperationException($"Shipping order {order.OrderId} failed on purpose");
        }
    }
}

/// <summary>As a real service configures it: retries around the inbox, so each attempt is one transaction.</summary>
public sealed class ShippingConsumerDefinition : ConsumerDefinition<ShippingConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ShippingConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(50, 100, 200));
        endpointConfigurator.UseInbox(context);
    }
}

/// <summary>Orders whose first shipping attempt fails after its shipment was written.</summary>
public sealed class ShippingFaults
{
    private readonly ConcurrentDictionary<Guid, bool> _failOnce = new();
    private int _failed;

    public int Failed => _failed;

    public void FailOnce(Guid orderId) => _failOnce[orderId] = true;

    public bool ShouldFail(Guid orderId)
    {
        if (!_failOnce.TryRemove(orderId, out _)) return false;
        Interlocked.Increment(ref _failed);
        return true;
    }
}

/// <summary>What the consumer announced after commit: an effect outside the database.</summary>
public sealed class ShippingNotices
{
    private readonly ConcurrentQueue<Guid> _orders = new();

    public void Add(Guid orderId) => _orders.Enqueue(orderId);

    public int For(Guid orderId) => _orders.Count(id => id == orderId);
}
