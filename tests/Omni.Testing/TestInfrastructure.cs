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

    private readonly string _dataPath;
    private DistributedApplication? _app;

    public TestInfrastructure()
    {
        _dataPath = Path.Combine(Path.GetTempPath(), "omni-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dataPath);
        // The servers run as their own users and must reach their folders.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dataPath, (UnixFileMode)0b111_101_101);
        }
    }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started");

    /// <summary>Connection strings by the names the services read (identity-db, channel-db, routing-db, knowledge-db, session-cache, bus).</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Omni_AppHost>(
            ["Omni:InfrastructureOnly=true", $"Omni:DataPath={_dataPath}"], timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);

        var names = new[] { "identity-db", "channel-db", "routing-db", "knowledge-db", "session-cache", "bus" };
        var strings = new Dictionary<string, string>();
        foreach (var name in names)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            strings[name] = await _app.GetConnectionStringAsync(name, timeout.Token)
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
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a server still closing its files; the temp folder is cleaned by the OS */ }
    }
}
