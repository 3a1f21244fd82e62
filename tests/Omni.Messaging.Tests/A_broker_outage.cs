using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Omni.Messaging.Tests.Shop;
using Omni.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Omni.Messaging.Tests;

/// <summary>Stops the real broker; the assembly runs its tests one at a time so no other test is caught by it.</summary>
[Collection(MessagingCollection.Name)]
public sealed class A_broker_outage(TestInfrastructure infrastructure, ITestOutputHelper output)
{
    // Short enough that the outage is noticed and retried within seconds rather than minutes.
    private static readonly Dictionary<string, string?> QuickOutbox = new()
    {
        ["Omni:Outbox:PublishTimeout"] = "00:00:01",
        ["Omni:Outbox:PollInterval"] = "00:00:00.200",
        ["Omni:Outbox:MaxBackoff"] = "00:00:01",
    };

    [Fact]
    public async Task Keeps_accepting_changes_and_publishes_their_events_once_the_broker_is_back()
    {
        var database = await ShopDatabase.CreateAsync(infrastructure);
        await using var shop = await ShopService.StartAsync(infrastructure, database, output, settings: QuickOutbox);
        var placed = new List<PlacedOrder>();

        await infrastructure.StopAsync("bus");
        try
        {
            await infrastructure.App.ResourceNotifications.WaitForResourceAsync("bus", KnownResourceStates.TerminalStates);

            for (var i = 0; i < 3; i++) placed.Add(await shop.PlaceOrderAsync($"item {i}"));

            var rows = await Eventually.Get(async () =>
            {
                var all = await database.OutboxRowsAsync();
                return placed.All(order => all.Any(r => r.Id == order.MessageId && r.Attempts > 0)) ? all : null;
            }, "the dispatcher to have tried every row");
            Assert.All(rows, row =>
            {
                Assert.Null(row.SentAt);
                Assert.False(string.IsNullOrEmpty(row.LastError));
            });
        }
        finally
        {
            await infrastructure.StartAsync("bus");
        }

        foreach (var order in placed)
        {
            await database.SentRowAsync(order.MessageId);
            await shop.Deliveries.WaitForAsync(order.MessageId);
        }
        foreach (var order in placed)
        {
            Assert.Equal(1, await database.ShipmentsForAsync(order.OrderId));
        }
    }
}
