using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Omni.Messaging.Inbox;
using Omni.Messaging.Tests.Shop;
using Omni.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Omni.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class The_inbox(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Applies_a_redelivered_message_once()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        var bus = shop.Services.GetRequiredService<IBus>();
        var (orderId, messageId) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        // As the broker redelivers when an acknowledgement is lost: the same message, under the same id, twice.
        await bus.Publish(new OrderPlaced(orderId, "kettle"), context => context.MessageId = messageId);
        await bus.Publish(new OrderPlaced(orderId, "kettle"), context => context.MessageId = messageId);
        await shop.Deliveries.WaitForAsync(messageId, times: 2);

        Assert.Equal(1, await database.ShipmentsForAsync(orderId));
        Assert.Equal(1, await database.InboxRowsForAsync(messageId));
        Assert.Equal(1, await database.ShippedEventsAsync());
        Assert.Equal(1, shop.Notices.For(orderId));
    }

    [Fact]
    public async Task Commits_the_effect_of_a_consumer_that_failed_once_exactly_once()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        var bus = shop.Services.GetRequiredService<IBus>();
        var (orderId, messageId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        shop.Faults.FailOnce(orderId);

        await bus.Publish(new OrderPlaced(orderId, "kettle"), context => context.MessageId = messageId);
        await shop.Deliveries.WaitForAsync(messageId);

        // The first attempt wrote its shipment, its event and the inbox row, then failed; the retry found none of them.
        Assert.Equal(1, shop.Faults.Failed);
        Assert.Equal(1, await database.ShipmentsForAsync(orderId));
        Assert.Equal(1, await database.ShippedEventsAsync());
        Assert.Equal(1, await database.InboxRowsForAsync(messageId));
        Assert.Equal(1, shop.Notices.For(orderId));
    }

    [Fact]
    public async Task Runs_after_commit_actions_only_once_the_work_is_committed()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        await using var scope = shop.Services.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<IInbox>();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var orderId = Guid.CreateVersion7();
        bool? orderVisibleWhenRun = null;
        var ranDuringWork = false;

        var processed = await inbox.ProcessOnceAsync(Guid.CreateVersion7(), "after-commit", async () =>
        {
            db.Orders.Add(new Order { Id = orderId, Item = "kettle" });
            // Asked from another connection: it sees the order only once the inbox's transaction has committed.
            inbox.AfterCommit(async () => orderVisibleWhenRun = await database.OrderExistsAsync(orderId));
            await db.SaveChangesAsync();
            ranDuringWork = orderVisibleWhenRun is not null;
        }, CancellationToken.None);

        Assert.True(processed);
        Assert.False(ranDuringWork);
        Assert.True(orderVisibleWhenRun);
    }

    [Fact]
    public async Task Drops_the_after_commit_actions_of_work_that_threw()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        await using var scope = shop.Services.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<IInbox>();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var messageId = Guid.CreateVersion7();
        var (failedOrder, retriedOrder) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var announced = new List<string>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.ProcessOnceAsync(messageId, "after-commit", async () =>
        {
            db.Orders.Add(new Order { Id = failedOrder, Item = "kettle" });
            inbox.AfterCommit(() => Announce("failed attempt"));
            await db.SaveChangesAsync();
            throw new InvalidOperationException("the work failed after saving");
        }, CancellationToken.None));

        Assert.Empty(announced);
        Assert.False(await database.OrderExistsAsync(failedOrder));
        Assert.Equal(0, await database.InboxRowsForAsync(messageId));

        // A retry in the same scope carries nothing over from the failed attempt.
        var processed = await inbox.ProcessOnceAsync(messageId, "after-commit", () =>
        {
            db.Orders.Add(new Order { Id = retriedOrder, Item = "kettle" });
            inbox.AfterCommit(() => Announce("retry"));
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.True(processed);
        Assert.Equal(["retry"], announced);
        Assert.True(await database.OrderExistsAsync(retriedOrder));
        Assert.False(await database.OrderExistsAsync(failedOrder));

        Task Announce(string what)
        {
            announced.Add(what);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Keeps_committed_work_when_an_after_commit_action_fails()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output);
        await using var scope = shop.Services.CreateAsyncScope();
        var inbox = scope.ServiceProvider.GetRequiredService<IInbox>();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var orderId = Guid.CreateVersion7();
        var laterActionRan = false;

        var processed = await inbox.ProcessOnceAsync(Guid.CreateVersion7(), "after-commit", () =>
        {
            db.Orders.Add(new Order { Id = orderId, Item = "kettle" });
            inbox.AfterCommit(() => throw new InvalidOperationException("the cache is away"));
            inbox.AfterCommit(() =>
            {
                laterActionRan = true;
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.True(processed);
        Assert.True(laterActionRan);
        Assert.True(await database.OrderExistsAsync(orderId));
    }
}
