using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Omni.Identity.Agents;
using Omni.Identity.Customers;
using Omni.Testing;
using Xunit;

namespace Omni.Identity.Tests;

/// <summary>Real servers plus the identity service hosted in-process, shared by the tests of this assembly.</summary>
public sealed class IdentityServiceFixture : IAsyncLifetime
{
    public TestInfrastructure Infrastructure { get; } = new();

    /// <summary>Identity, with a signing key and a bootstrap admin of this run; its HTTP clients are signed in as that admin.</summary>
    public ServiceFactory<IdentityGrpcService> Service { get; private set; } = null!;

    /// <summary>The private key identity signs with (PEM), made for this run.</summary>
    public string SigningKeyPem { get; } = NewSigningKeyPem();

    public string AdminEmail { get; } = $"admin.{Guid.NewGuid():N}@identity.test";

    public string AdminPassword { get; } = RandomNumberGenerator.GetHexString(24);

    public Grpc.IdentityApi.IdentityApiClient Grpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        var service = new SignedInServiceFactory(Infrastructure, new Dictionary<string, string?>
        {
            ["Identity:SigningKey"] = SigningKeyPem,
            ["Identity:BootstrapAdmin:Email"] = AdminEmail,
            ["Identity:BootstrapAdmin:Password"] = AdminPassword,
        });
        Service = service;
        service.Token = await SignInAsync(AdminEmail, AdminPassword);
        Grpc = new Grpc.IdentityApi.IdentityApiClient(Service.CreateGrpcChannel());
    }

    /// <summary>An access token from the real sign-in (POST /api/v1/auth/token).</summary>
    public async Task<string> SignInAsync(string email, string password)
    {
        using var anonymous = CreateClient(token: null);
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    /// <summary>A client of identity carrying <paramref name="token"/>, or none when it is null.</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = Service.CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    private static string NewSigningKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}

/// <summary>Clients carry <see cref="Token"/> once it is set: the tests of customers and merges act as a signed-in agent would.</summary>
internal sealed class SignedInServiceFactory(TestInfrastructure infrastructure, IReadOnlyDictionary<string, string?> settings)
    : ServiceFactory<IdentityGrpcService>(infrastructure, settings)
{
    public string? Token { get; set; }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (Token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityServiceFixture>
{
    public const string Name = "identity";
}
