using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omni.Messaging.Outbox;
using Omni.Messaging.Tests.Shop;
using Omni.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Omni.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class The_outbox(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Publishes_a_committed_event_once_with_its_row_id_as_message_id()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);

        PlacedOrder placed;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
            placed = db.PlaceOrder("kettle");
            await db.SaveChangesAsync();
        }

        await shop.Deliveries.WaitForAsync(placed.MessageId);
        var row = await database.SentRowAsync(placed.MessageId);
        await shop.WaitForEarlierMessagesAsync();

        Assert.Equal(1, shop.Deliveries.ForOrder(placed.OrderId));
        Assert.Equal(1, shop.Deliveries.Of(placed.MessageId));
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LastError);
        Assert.True(await database.OrderExistsAsync(placed.OrderId));
    }

    [Fact]
    public async Task Publishes_nothing_for_a_rolled_back_transaction()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);

        PlacedOrder rolledBack;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            rolledBack = db.PlaceOrder("kettle");
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        await shop.WaitForEarlierMessagesAsync();

        Assert.Null(await database.OutboxRowAsync(rolledBack.MessageId));
        Assert.False(await database.OrderExistsAsync(rolledBack.OrderId));
        Assert.Equal(0, shop.Deliveries.ForOrder(rolledBack.OrderId));
    }

    [Fact]
    public async Task Publishes_events_committed_while_no_dispatcher_ran_once_the_service_starts()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        // The service has run before, so its queue exists and keeps what is published before its consumer is back.
        var name = ShopService.NewName();
        var earlier = await ShopService.StartAsync(infrastructure, database, output, name);
        await earlier.DisposeAsync();

        // Committed by a process that stopped before publishing: no dispatcher, no wake-up signal.
        var placed = new List<PlacedOrder>();
        await using (var db = database.Open())
        {
            for (var i = 0; i < 3; i++) placed.Add(db.PlaceOrder($"item {i}"));
            await db.SaveChangesAsync();
        }
        Assert.All(await database.OutboxRowsAsync(), row => Assert.Null(row.SentAt));

        await using var shop = await ShopService.StartAsync(infrastructure, database, output, name);

        foreach (var order in placed)
        {
            await shop.Deliveries.WaitForAsync(order.MessageId);
            await database.SentRowAsync(order.MessageId);
        }
        Assert.All(placed, order => Assert.Equal(1, shop.Deliveries.ForOrder(order.OrderId)));
    }

    [Fact]
    public async Task Publishes_a_row_whose_sent_mark_was_lost_again_with_the_same_message_id_and_the_inbox_applies_it_once()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        var placed = await shop.PlaceOrderAsync("kettle");
        await shop.Deliveries.WaitForAsync(placed.MessageId);
        await database.SentRowAsync(placed.MessageId);

        // A crash after the broker confirmed the publish but before the mark was committed leaves the row unsent.
        await using (var db = database.Open())
        {
            await db.Set<OutboxMessage>()
                .Where(m => m.Id == placed.MessageId)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.SentAt, (DateTimeOffset?)null));
        }

        await shop.Deliveries.WaitForAsync(placed.MessageId, times: 2);
        await database.SentRowAsync(placed.MessageId, attempts: 2);

        // Both deliveries of the order carried the row id, so the inbox could recognise the second.
        Assert.Equal(2, shop.Deliveries.ForOrder(placed.OrderId));
        Assert.Equal(2, shop.Deliveries.Of(placed.MessageId));
        Assert.Equal(1, await database.ShipmentsForAsync(placed.OrderId));
        Assert.Equal(1, await database.InboxRowsForAsync(placed.MessageId));
        Assert.Equal(1, await database.ShippedEventsAsync());
        Assert.Equal(1, shop.Notices.For(placed.OrderId));
    }

    [Fact]
    public async Task Publishes_at_commit_without_waiting_for_the_next_poll()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        // A poll that never comes while the test runs: only the commit signal can start a publish.
        await using var shop = await ShopService.StartAsync(infrastructure, database, output,
            settings: new Dictionary<string, string?> { ["Omni:Outbox:PollInterval"] = "01:00:00" });

        var saved = await shop.PlaceOrderAsync("kettle");
        await shop.Deliveries.WaitForAsync(saved.MessageId);

        PlacedOrder committed;
        await using (var scope = shop.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            committed = db.PlaceOrder("toaster");
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        await shop.Deliveries.WaitForAsync(committed.MessageId);
    }

    [Fact]
    public async Task Keeps_publishing_other_events_while_one_row_cannot_be_published()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        var unpublishable = ShopDatabase.UnpublishableRow();
        await using (var db = database.Open())
        {
            db.Add(unpublishable);
            await db.SaveChangesAsync();
        }
        await Eventually.True(async () => await database.OutboxRowAsync(unpublishable.Id) is { Attempts: > 0 }, "the dispatcher to have tried the row");

        var placed = await shop.PlaceOrderAsync("kettle");
        await shop.Deliveries.WaitForAsync(placed.MessageId);
        await database.SentRowAsync(placed.MessageId);

        var stuck = await database.OutboxRowAsync(unpublishable.Id);
        Assert.NotNull(stuck);
        Assert.Null(stuck.SentAt);
        Assert.Contains("Unknown message type", stuck.LastError);
    }

    [Fact]
    public async Task Keeps_publishing_new_events_when_a_whole_batch_of_rows_cannot_be_published()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        var batchSize = shop.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.BatchSize;
        var unpublishable = Enumerable.Range(0, batchSize).Select(_ => ShopDatabase.UnpublishableRow()).ToList();
        await using (var db = database.Open())
        {
            db.AddRange(unpublishable);
            await db.SaveChangesAsync();
        }
        var oldest = unpublishable[0].Id;
        await Eventually.Get(async () => await database.OutboxRowAsync(oldest) is { Attempts: > 0 } row ? row : null,
            "the dispatcher to have tried the rows");

        var placed = await shop.PlaceOrderAsync("kettle");
        // Counted once the event is committed: rounds that began before it could not have seen it.
        var triedBefore = (await database.OutboxRowAsync(oldest))!.Attempts;

        // Either the event goes out, or the dispatcher goes round several more times without even trying it.
        const int rounds = 3;
        var outcome = await Eventually.Get(async () =>
        {
            var row = (await database.OutboxRowAsync(placed.MessageId))!;
            var stuck = (await database.OutboxRowAsync(oldest))!;
            return row.SentAt is not null || (row.Attempts == 0 && stuck.Attempts >= triedBefore + rounds) ? row : null;
        }, "the event to be published or passed over");

        Assert.True(outcome.SentAt is not null,
            $"The event was not even tried in {rounds} rounds: the {batchSize} unpublishable rows fill every batch.");
    }

    [Fact]
    public async Task Shares_its_rows_between_two_instances_without_publishing_one_twice()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        var name = ShopService.NewName();
        await using var first = await ShopService.StartAsync(infrastructure, database, output, name);
        await using var second = await ShopService.StartAsync(infrastructure, database, output, name);

        var placed = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).PlaceOrderAsync($"item {i}")));

        foreach (var order in placed) await database.SentRowAsync(order.MessageId);
        // Both instances consume from the one queue, so a message may reach either of them.
        int DeliveriesOf(Guid messageId) => first.Deliveries.Of(messageId) + second.Deliveries.Of(messageId);
        await Eventually.True(() => Task.FromResult(placed.All(order => DeliveriesOf(order.MessageId) > 0)), "every event to be consumed");
        var last = await first.PlaceOrderAsync("last one");
        await Eventually.True(() => Task.FromResult(DeliveriesOf(last.MessageId) > 0), "the last event to be consumed");

        Assert.All(placed, order => Assert.Equal(1, DeliveriesOf(order.MessageId)));
        foreach (var order in placed) Assert.Equal(1, (await database.OutboxRowAsync(order.MessageId))!.Attempts);
    }

    [Fact]
    public async Task Forgets_sent_rows_and_processed_messages_once_they_are_past_the_retention()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        var clock = new ShiftableClock();
        await using var shop = await ShopService.StartAsync(infrastructure, database, output,
            configure: services => services.AddSingleton<TimeProvider>(clock));
        var retention = shop.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.Retention;

        var old = await shop.PlaceOrderAsync("kettle");
        await shop.Deliveries.WaitForAsync(old.MessageId);
        await database.SentRowAsync(old.MessageId);

        clock.Advance(retention + TimeSpan.FromDays(1));
        var recent = await shop.PlaceOrderAsync("toaster");
        await shop.Deliveries.WaitForAsync(recent.MessageId);
        await database.SentRowAsync(recent.MessageId);

        await Eventually.True(async () => await database.OutboxRowAsync(old.MessageId) is null, "the old row to be deleted");
        Assert.Equal(0, await database.InboxRowsForAsync(old.MessageId));
        Assert.NotNull(await database.OutboxRowAsync(recent.MessageId));
        Assert.Equal(1, await database.InboxRowsForAsync(recent.MessageId));
        Assert.True(await database.OrderExistsAsync(old.OrderId));
    }
}
