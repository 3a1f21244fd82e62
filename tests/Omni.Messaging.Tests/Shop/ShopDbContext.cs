using Microsoft.EntityFrameworkCore;
using Omni.Messaging.Outbox;

namespace Omni.Messaging.Tests.Shop;

/// <summary>
/// The smallest service that uses the library: orders that announce themselves through the outbox, and shipments
/// a consumer writes behind the inbox.
/// </summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Shipment> Shipments => Set<Shipment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

public sealed class Order
{
    public Guid Id { get; init; }

    public required string Item { get; init; }
}

/// <summary>
/// Written once per order the consumer handles. Deliberately without a unique key on the order: a second shipment
/// for one order must show up as a second row, not hide behind a constraint.
/// </summary>
public sealed class Shipment
{
    public Guid Id { get; init; }

    public Guid OrderId { get; init; }

    public Guid MessageId { get; init; }
}

public sealed record OrderPlaced(Guid OrderId, string Item);

public sealed record OrderShipped(Guid OrderId, Guid ShipmentId);

/// <summary>An order and the id its event will carry on the bus.</summary>
public sealed record PlacedOrder(Guid OrderId, Guid MessageId);

public static class ShopDbContextExtensions
{
    /// <summary>Adds an order and queues its event in the same unit of work; nothing is written before SaveChanges.</summary>
    public static PlacedOrder PlaceOrder(this ShopDbContext db, string item)
    {
        var order = new Order { Id = Guid.CreateVersion7(), Item = item };
        db.Orders.Add(order);
        var messageId = db.Enqueue(new OrderPlaced(order.Id, item));
        return new PlacedOrder(order.Id, messageId);
    }
}
