using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Xunit;

namespace Omni.Testing;

/// <summary>
/// Real PostgreSQL, Redis and RabbitMQ for one test assembly, started by the AppHost exactly as <c>./omni up</c> does
/// (containers, local servers or external ones), with only the infrastructure and a throw-away data folder.
/// Services under test are hosted by the tests themselves and pointed at these servers.
/// </summary>
public sealed class TestInfrastructure : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private RunningAppHost? _host;

    public DistributedApplication App => _host?.App ?? throw new InvalidOperationException("Not started");

    /// <summary>Connection strings by the names the services read (identity-db, channel-db, routing-db, knowledge-db, session-cache, bus).</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _host = await RunningAppHost.StartAsync(infrastructureOnly: true, timeout.Token);

        var names = new[] { "identity-db", "channel-db", "routing-db", "knowledge-db", "session-cache", "bus" };
        var strings = new Dictionary<string, string>();
        foreach (var name in names)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            strings[name] = await App.GetConnectionStringAsync(name, timeout.Token)
                ?? throw new InvalidOperationException($"No connection string for {name}");
        }
        ConnectionStrings = strings;

        // Services hosted by the tests read their connection strings from configuration; the environment reaches
        // every WebApplicationFactory in this process before the service's builder reads it.
        foreach (var (name, value) in strings)
        {
            Environment.SetEnvironmentVariable($"ConnectionStrings__{name}", value);
        }
    }

    /// <summary>Stops a server (as an operator would from the dashboard) to see how the services behave without it.</summary>
    public Task StopAsync(string resource, CancellationToken cancellationToken = default) =>
        App.ResourceCommands.ExecuteCommandAsync(resource, "resource-stop", cancellationToken);

    /// <summary>Starts a stopped server again and waits until it answers.</summary>
    public async Task StartAsync(string resource, CancellationToken cancellationToken = default)
    {
        await App.ResourceCommands.ExecuteCommandAsync(resource, "resource-start", cancellationToken);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
