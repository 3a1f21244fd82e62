using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Omni.AppHost.Infrastructure;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>The whole system, started by the AppHost as <c>./omni up</c> starts it, on a throw-away data folder.</summary>
public sealed class OmniSystem : IAsyncLifetime
{
    private RunningAppHost? _host;

    public DistributedApplication App => _host?.App ?? throw new InvalidOperationException("Not started");

    /// <summary>A client of the gateway: the only way the tests talk to Omni. Anonymous, as the web widget is.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>A client of the gateway signed in as the bootstrap admin (which the agent-only APIs accept too).</summary>
    public HttpClient Admin { get; private set; } = null!;

    public string AdminEmail => IdentitySecrets.AdminEmail;

    /// <summary>The bootstrap admin's password, read where <c>./omni up</c> says it is: the data folder's <c>secrets/</c>.</summary>
    public string AdminPassword { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        _host = await RunningAppHost.StartAsync(infrastructureOnly: false, timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        Gateway = App.CreateHttpClient("gateway");
        AdminPassword = (await File.ReadAllTextAsync(Path.Combine(_host.DataPath, "secrets", IdentitySecrets.AdminPasswordFile), timeout.Token)).Trim();
        Admin = SignedIn(await SignInAsync(AdminEmail, AdminPassword));
    }

    /// <summary>An access token for an agent, from POST /api/v1/auth/token through the gateway.</summary>
    public async Task<string> SignInAsync(string email, string password)
    {
        var response = await Gateway.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    /// <summary>A client of the gateway that sends <paramref name="accessToken"/>.</summary>
    public HttpClient SignedIn(string accessToken)
    {
        var client = App.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        Admin?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<OmniSystem>
{
    public const string Name = "system";
}
