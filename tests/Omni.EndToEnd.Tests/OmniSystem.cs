using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>The whole system, started by the AppHost as <c>./omni up</c> starts it, on a throw-away data folder.</summary>
public sealed class OmniSystem : IAsyncLifetime
{
    private RunningAppHost? _host;

    public DistributedApplication App => _host?.App ?? throw new InvalidOperationException("Not started");

    /// <summary>A client of the gateway: the only way the tests talk to Omni.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        _host = await RunningAppHost.StartAsync(infrastructureOnly: false, timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        Gateway = App.CreateHttpClient("gateway");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<OmniSystem>
{
    public const string Name = "system";
}
