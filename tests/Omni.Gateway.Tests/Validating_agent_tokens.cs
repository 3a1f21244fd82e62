using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Omni.Authentication;
using Xunit;

namespace Omni.Gateway.Tests;

/// <summary>
/// <c>AddOmniAuthentication()</c> as the gateway uses it: keys from identity's JWKS (here served by a stand-in), fetched
/// again for an unknown key id at most every 30 s. The real JWKS and tokens are tested end to end.
/// </summary>
public sealed class Validating_agent_tokens : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly StandInJwks _jwks = new();
    private readonly ServiceProvider _services;

    public Validating_agent_tokens()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Omni:Authentication:JwksAddress"] = "http://identity.test/.well-known/jwks.json";
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddOmniAuthentication();
        builder.Services.AddHttpClient(JwksKeys.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _jwks);
        _services = builder.Services.BuildServiceProvider();
    }

    [Fact]
    public async Task Accepts_a_token_signed_with_identitys_key_with_its_roles()
    {
        var key = NewKey();
        _jwks.Keys = [key];

        var result = await AuthenticateAsync(Token(key, "agent", "supervisor"));

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(["agent", "supervisor"], result.Principal!.FindAll("role").Select(c => c.Value));
        Assert.True(await AllowedAsync(result.Principal, OmniPolicies.Agent));
        Assert.True(await AllowedAsync(result.Principal, OmniPolicies.Supervisor));
        Assert.False(await AllowedAsync(result.Principal, OmniPolicies.Admin));
    }

    [Fact]
    public async Task Refuses_a_token_of_another_key_an_expired_one_and_one_for_another_audience()
    {
        var key = NewKey();
        _jwks.Keys = [key];

        Assert.False((await AuthenticateAsync(Token(NewKey(), "admin"))).Succeeded);
        Assert.False((await AuthenticateAsync(Token(key, "admin", expires: DateTime.UtcNow.AddMinutes(-5)))).Succeeded);
        Assert.False((await AuthenticateAsync(Token(key, "admin", audience: "someone-else"))).Succeeded);
    }

    [Fact]
    public async Task Fetches_the_keys_again_for_an_unknown_key_id_at_most_every_30_seconds()
    {
        var first = NewKey();
        var second = NewKey();
        _jwks.Keys = [first];
        Assert.True((await AuthenticateAsync(Token(first, "agent"))).Succeeded);
        Assert.True((await AuthenticateAsync(Token(first, "agent"))).Succeeded);
        Assert.Equal(1, _jwks.Fetches);

        _jwks.Keys = [first, second]; // identity has a new key
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False((await AuthenticateAsync(Token(second, "agent"))).Succeeded);
        Assert.False((await AuthenticateAsync(Token(NewKey(), "agent"))).Succeeded); // made-up key ids cost identity nothing
        Assert.Equal(1, _jwks.Fetches);

        _clock.Advance(TimeSpan.FromSeconds(21));
        Assert.True((await AuthenticateAsync(Token(second, "agent"))).Succeeded);
        Assert.Equal(2, _jwks.Fetches);
    }

    [Fact]
    public async Task Keeps_the_keys_it_has_while_identity_cannot_be_reached()
    {
        var key = NewKey();
        _jwks.Keys = [key];
        Assert.True((await AuthenticateAsync(Token(key, "agent"))).Succeeded);

        _jwks.Down = true;
        _clock.Advance(TimeSpan.FromHours(2)); // past the keys' maximum age: a fetch is tried, and fails

        Assert.True((await AuthenticateAsync(Token(key, "agent"))).Succeeded);
        Assert.Equal(2, _jwks.Fetches);
    }

    [Fact]
    public async Task Answers_a_missing_or_bad_token_with_a_problem_401()
    {
        _jwks.Keys = [NewKey()];

        foreach (var token in new[] { null, "not-a-jwt", Token(NewKey(), "admin") })
        {
            await using var scope = _services.CreateAsyncScope();
            var context = Request(scope, token);
            await context.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);

            Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
            Assert.StartsWith("application/problem+json", context.Response.ContentType);
            Assert.StartsWith("Bearer", context.Response.Headers.WWWAuthenticate.ToString());
            context.Response.Body.Position = 0;
            Assert.Equal(401, JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("status").GetInt32());
        }
    }

    public void Dispose() => _services.Dispose();

    private static ECDsaSecurityKey NewKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return OmniSigningKey.LoadPrivate(ecdsa.ExportPkcs8PrivateKeyPem());
    }

    private static string Token(ECDsaSecurityKey key, string role, string? role2 = null, DateTime? expires = null, string audience = OmniTokens.Audience) =>
        Token(key, role2 is null ? [role] : [role, role2], expires, audience);

    private static string Token(ECDsaSecurityKey key, string[] roles, DateTime? expires, string audience)
    {
        var end = expires ?? DateTime.UtcNow.AddHours(8);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OmniTokens.Issuer,
            Audience = audience,
            IssuedAt = end.AddHours(-8),
            NotBefore = end.AddHours(-8),
            Expires = end,
            Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = roles },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string token)
    {
        await using var scope = _services.CreateAsyncScope();
        return await Request(scope, token).AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
    }

    private async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) =>
        (await _services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy)).Succeeded;

    private static DefaultHttpContext Request(AsyncServiceScope scope, string? token)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/customers/1";
        context.Response.Body = new MemoryStream();
        if (token is not null) context.Request.Headers.Authorization = "Bearer " + token;
        return context;
    }

    /// <summary>Identity's /.well-known/jwks.json, answered by the test.</summary>
    private sealed class StandInJwks : HttpMessageHandler
    {
        public IReadOnlyList<ECDsaSecurityKey> Keys { get; set; } = [];

        public bool Down { get; set; }

        public int Fetches { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Fetches++;
            if (Down) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            var json = JsonSerializer.Serialize(new { keys = Keys.Select(OmniSigningKey.ToPublicJwk) });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json) });
        }
    }
}
