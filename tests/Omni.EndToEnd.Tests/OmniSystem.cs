using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>The whole system, started by the AppHost as <c>./omni up</c> starts it, on a throw-away data folder.</summary>
public sealed class OmniSystem : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "omni-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started");

    /// <summary>A client of the gateway: the only way the tests talk to Omni.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataPath);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dataPath, (UnixFileMode)0b111_101_101);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Omni_AppHost>([$"Omni:DataPath={_dataPath}"], timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        Gateway = _app.CreateHttpClient("gateway");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a server still closing its files */ }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<OmniSystem>
{
    public const string Name = "system";
}
