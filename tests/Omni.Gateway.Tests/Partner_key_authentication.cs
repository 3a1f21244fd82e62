using System.Security.Claims;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Omni.Gateway.PartnerKeys;
using Omni.Identity.Grpc;
using Xunit;

namespace Omni.Gateway.Tests;

/// <summary>
/// The "PartnerKey" scheme as the gateway registers it, with identity's gRPC answers played by a stand-in (what identity
/// answers is tested against the real service in Omni.Identity.Tests).
/// </summary>
public sealed class Partner_key_authentication : IDisposable
{
    private const string Key = "omni_pk_AbCd1234_0123456789abcdefghijABCDEFGHIJ0123456789abc";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-05T09:00:00Z"));
    private readonly StandInIdentity _identity = new();
    private readonly ServiceProvider _services;

    public Partner_key_authentication()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddProblemDetails();
        builder.AddPartnerKeyAuthentication();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<IdentityApi.IdentityApiClient>(_identity);
        _services = builder.Services.BuildServiceProvider();
    }

    [Fact]
    public async Task Accepts_a_key_identity_vouches_for_with_its_partner_and_scopes()
    {
        _identity.Answer = key => key == Key
            ? new CheckPartnerKeyReply { Valid = true, KeyId = "k-1", Partner = "Webshop", Scopes = { "messages:write", "customers:read" } }
            : new CheckPartnerKeyReply();

        var result = await AuthenticateAsync(Key);

        Assert.True(result.Succeeded);
        var user = result.Principal!;
        Assert.Equal("Webshop", user.Identity!.Name);
        Assert.Equal("k-1", user.FindFirstValue(PartnerKeyAuthenticationHandler.KeyIdClaim));
        Assert.Equal(["messages:write", "customers:read"], user.FindAll("scope").Select(c => c.Value));
    }

    [Fact]
    public async Task Refuses_a_key_identity_does_not_know_with_a_problem_401()
    {
        _identity.Answer = _ => new CheckPartnerKeyReply { Valid = false };

        var (result, response) = await ChallengeAsync(Key);

        Assert.False(result.Succeeded);
        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(401, Problem(response).GetProperty("status").GetInt32());
        Assert.Contains("X-Api-Key", response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Leaves_a_request_without_a_key_to_other_schemes_and_says_what_is_missing()
    {
        var (result, response) = await ChallengeAsync(key: null);

        Assert.True(result.None);
        Assert.Equal(0, _identity.Calls);
        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Contains("X-Api-Key", Problem(response).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Remembers_identitys_answer_for_30_seconds_so_a_revocation_takes_effect_within_that_time()
    {
        _identity.Answer = _ => new CheckPartnerKeyReply { Valid = true, KeyId = "k-2", Partner = "Carrier" };
        Assert.True((await AuthenticateAsync(Key)).Succeeded);

        _identity.Answer = _ => new CheckPartnerKeyReply { Valid = false }; // revoked at identity
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True((await AuthenticateAsync(Key)).Succeeded);
        Assert.Equal(1, _identity.Calls);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await AuthenticateAsync(Key)).Succeeded);
        Assert.Equal(2, _identity.Calls);
    }

    [Fact]
    public async Task Answers_503_while_identity_cannot_be_asked_and_asks_again_on_the_next_request()
    {
        _identity.Down = true;

        var (result, response) = await ChallengeAsync(Key);

        Assert.False(result.Succeeded);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", response.ContentType);

        _identity.Down = false;
        _identity.Answer = _ => new CheckPartnerKeyReply { Valid = true, KeyId = "k-3", Partner = "Carrier" };
        Assert.True((await AuthenticateAsync(Key)).Succeeded);
    }

    [Fact]
    public async Task The_partner_policy_authenticates_with_the_partner_key_scheme_only()
    {
        var policy = await _services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(PartnerKeyAuthenticationExtensions.PartnerPolicy);

        Assert.NotNull(policy);
        Assert.Equal([PartnerKeyAuthenticationHandler.SchemeName], policy.AuthenticationSchemes);
    }

    public void Dispose() => _services.Dispose();

    private async Task<AuthenticateResult> AuthenticateAsync(string? key)
    {
        await using var scope = _services.CreateAsyncScope();
        return await Request(scope, key).AuthenticateAsync(PartnerKeyAuthenticationHandler.SchemeName);
    }

    private async Task<(AuthenticateResult, HttpResponse)> ChallengeAsync(string? key)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = Request(scope, key);
        var result = await context.AuthenticateAsync(PartnerKeyAuthenticationHandler.SchemeName);
        await context.ChallengeAsync(PartnerKeyAuthenticationHandler.SchemeName);
        return (result, context.Response);
    }

    private static DefaultHttpContext Request(AsyncServiceScope scope, string? key)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/partner/orders";
        context.Response.Body = new MemoryStream();
        if (key is not null) context.Request.Headers[PartnerKeyAuthenticationHandler.HeaderName] = key;
        return context;
    }

    private static JsonElement Problem(HttpResponse response)
    {
        response.Body.Position = 0;
        return JsonDocument.Parse(response.Body).RootElement;
    }

    /// <summary>Identity's CheckPartnerKey, answered by the test.</summary>
    private sealed class StandInIdentity : IdentityApi.IdentityApiClient
    {
        public Func<string, CheckPartnerKeyReply> Answer { get; set; } = _ => new CheckPartnerKeyReply();

        public bool Down { get; set; }

        public int Calls { get; private set; }

        public override AsyncUnaryCall<CheckPartnerKeyReply> CheckPartnerKeyAsync(CheckPartnerKeyRequest request, CallOptions options)
        {
            Calls++;
            var reply = Down
                ? Task.FromException<CheckPartnerKeyReply>(new RpcException(new Status(StatusCode.Unavailable, "identity is away")))
                : Task.FromResult(Answer(request.Key));
            return new AsyncUnaryCall<CheckPartnerKeyReply>(reply, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }
}
