using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;
using Omni.Testing;

namespace Omni.Messaging.Tests.Shop;

/// <summary>A database of one test's own on the test PostgreSQL server, so no dispatcher ever sees another test's rows.</summary>
public sealed class ShopDatabase
{
    private ShopDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<ShopDatabase> CreateAsync(TestInfrastructure infrastructure)
    {
        var connection = new NpgsqlConnectionStringBuilder(infrastructure.ConnectionStrings["routing-db"])
        {
            Database = "shop_" + Guid.NewGuid().ToString("N")[..12],
        };
        var database = new ShopDatabase(connection.ConnectionString);
        await using var db = database.Open();
        await db.Database.EnsureCreatedAsync();
        return database;
    }

    /// <summary>A context outside any host: no outbox interceptor, no dispatcher, as another process would write.</summary>
    public ShopDbContext Open() =>
        new(new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql(ConnectionString).Options);

    public async Task<OutboxMessage?> OutboxRowAsync(Guid id)
    {
        await using var db = Open();
        return await db.Set<OutboxMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id);
    }

    /// <summary>Waits until the dispatcher has marked the row sent after at least <paramref name="attempts"/> publishes.</summary>
    public Task<OutboxMessage> SentRowAsync(Guid id, int attempts = 1) =>
        Eventually.Get(async () => await OutboxRowAsync(id) is { SentAt: not null } row && row.Attempts >= attempts ? row : null,
            $"outbox row {id} to be marked sent");

    public async Task<List<OutboxMessage>> OutboxRowsAsync()
    {
        await using var db = Open();
        return await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    public async Task<int> ShipmentsForAsync(Guid orderId)
    {
        await using var db = Open();
        return await db.Shipments.CountAsync(s => s.OrderId == orderId);
    }

    /// <summary>How many of the consumer's own events (<see cref="OrderShipped"/>) are in the outbox.</summary>
    public async Task<int> ShippedEventsAsync()
    {
        await using var db = Open();
        var type = $"{typeof(OrderShipped).FullName}, {typeof(OrderShipped).Assembly.GetName().Name}";
        return await db.Set<OutboxMessage>().CountAsync(m => m.MessageType == type);
    }

    public async Task<int> InboxRowsForAsync(Guid messageId)
    {
        await using var db = Open();
        return await db.Set<InboxMessage>().CountAsync(m => m.MessageId == messageId);
    }

    /// <summary>A row whose type no longer exists, as when a contract is removed while its events still wait.</summary>
    public static OutboxMessage UnpublishableRow() => new()
    {
        Id = Guid.CreateVersion7(),
        MessageType = "Omni.Messaging.Tests.Shop.OrderRemoved, Omni.Messaging.Tests",
        Body = "{}",
        CreatedAt = DateTimeOffset.UtcNow,
    };

    public async Task<bool> OrderExistsAsync(Guid orderId)
    {
        await using var db = Open();
        return await db.Orders.AnyAsync(o => o.Id == orderId);
    }
}
