using System.Collections.Concurrent;
using MassTransit;

namespace Omni.Testing;

/// <summary>A MassTransit bus of the test's own on the real broker: to see what the services publish.</summary>
public sealed class TestBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private TestBus(IBusControl bus) => _bus = bus;

    public IBus Bus => _bus;

    /// <summary>Starts a bus on the broker of <paramref name="connectionString"/> (amqp://user:password@host:port/vhost) and waits until it is up.</summary>
    public static async Task<TestBus> StartAsync(string connectionString, Action<IRabbitMqBusFactoryConfigurator> configure)
    {
        var uri = new Uri(connectionString);
        var credentials = uri.UserInfo.Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(uri.Host, (ushort)(uri.IsDefaultPort ? 5672 : uri.Port), virtualHost.Length == 0 ? "/" : virtualHost, host =>
            {
                if (credentials[0].Length > 0) host.Username(Uri.UnescapeDataString(credentials[0]));
                if (credentials.Length > 1) host.Password(Uri.UnescapeDataString(credentials[1]));
            });
            configure(rabbit);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await bus.StartAsync(timeout.Token);
        return new TestBus(bus);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}

/// <summary>Every <typeparamref name="T"/> a test endpoint received, with the message id it carried on the bus.</summary>
public sealed class ReceivedMessages<T> where T : class
{
    private readonly ConcurrentQueue<(Guid? MessageId, T Message)> _received = new();

    /// <summary>Binds a temporary queue of the test to <typeparamref name="T"/>'s exchange and records what arrives.</summary>
    public void Bind(IRabbitMqBusFactoryConfigurator rabbit, string queueName) =>
        rabbit.ReceiveEndpoint(queueName, endpoint =>
        {
            endpoint.AutoDelete = true;
            endpoint.Durable = false;
            endpoint.Handler<T>(context =>
            {
                _received.Enqueue((context.MessageId, context.Message));
                return Task.CompletedTask;
            });
        });

    /// <summary>Waits for a message that matches and returns it with its bus message id.</summary>
    public async Task<(Guid? MessageId, T Message)> WaitFor(Func<T, bool> match, string what)
    {
        var found = await Eventually.Get(() => Task.FromResult<Tuple<Guid?, T>?>(
            _received.Where(r => match(r.Message)).Select(r => Tuple.Create(r.MessageId, r.Message)).FirstOrDefault()), what);
        return (found.Item1, found.Item2);
    }

    public IReadOnlyList<T> Matching(Func<T, bool> match) => _received.Select(r => r.Message).Where(match).ToList();
}
