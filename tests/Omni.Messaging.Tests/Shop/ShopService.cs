using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omni.Messaging.Hosting;
using Omni.Testing;
using Xunit.Abstractions;

namespace Omni.Messaging.Tests.Shop;

/// <summary>
/// The shop hosted the way a real service wires itself (<c>AddServiceDatabase</c> + <c>AddOmniMessaging</c>), on a test's
/// own database and under a service name of its own, so its queue sees no other test's messages.
/// </summary>
public sealed class ShopService : IAsyncDisposable
{
    private readonly IHost _host;

    private ShopService(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public Deliveries Deliveries => Services.GetRequiredService<Deliveries>();

    public ShippingFaults Faults => Services.GetRequiredService<ShippingFaults>();

    public ShippingNotices Notices => Services.GetRequiredService<ShippingNotices>();

    /// <summary>A service name of its own; the consumer's queue is derived from it, so a restart under the same name finds it again.</summary>
    public static string NewName() => "messaging-tests-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Starts the shop and waits until its bus and consumer endpoint are connected.</summary>
    public static async Task<ShopService> StartAsync(
        TestInfrastructure infrastructure,
        ShopDatabase database,
        ITestOutputHelper output,
        string? name = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        name ??= NewName();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:shop-db"] = database.ConnectionString,
            ["ConnectionStrings:bus"] = infrastructure.ConnectionStrings["bus"],
            // Rows nobody signalled are found by polling; a short poll keeps the recovery tests quick.
            ["Omni:Outbox:PollInterval"] = "00:00:00.250",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);

        builder.Logging.ClearProviders()
            .AddProvider(new TestOutputLoggerProvider(output))
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning);

        builder.Services.AddSingleton<ShippingFaults>();
        builder.Services.AddSingleton<ShippingNotices>();
        builder.Services.AddSingleton<Deliveries>();
        builder.Services.AddConsumeObserver(services => services.GetRequiredService<Deliveries>());

        // Before the library's registrations, which only add what is missing (the clock, say).
        configure?.Invoke(builder.Services);
        builder.AddServiceDatabase<ShopDbContext>("shop-db");
        builder.AddOmniMessaging<ShopDbContext>(name, bus => bus.AddConsumer<ShippingConsumer, ShippingConsumerDefinition>());

        var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBusControl>();
        await Eventually.True(() => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy), $"the bus of {name} to be ready");
        return new ShopService(host);
    }

    /// <summary>Places an order in its own unit of work, as an API call of the shop would.</summary>
    public async Task<PlacedOrder> PlaceOrderAsync(string item)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var placed = db.PlaceOrder(item);
        await db.SaveChangesAsync();
        return placed;
    }

    /// <summary>
    /// Places one more order and waits until the consumer is done with its event. The queue hands messages out in the
    /// order they were published, so whatever was published before has reached the consumer by then.
    /// </summary>
    public async Task WaitForEarlierMessagesAsync()
    {
        var last = await PlaceOrderAsync("last one");
        await Deliveries.WaitForAsync(last.MessageId);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
