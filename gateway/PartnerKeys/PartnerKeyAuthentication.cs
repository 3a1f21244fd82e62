using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Omni.Authentication;
using Omni.Identity.Grpc;

namespace Omni.Gateway.PartnerKeys;

public sealed class PartnerKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>How long the gateway waits for identity's answer.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Authenticates a partner's system by its API key in <c>X-Api-Key</c>, asking identity (gRPC CheckPartnerKey) and
/// remembering the answer for <see cref="PartnerKeyCache.TimeToLive"/>. The principal carries the key id, the partner
/// and one <c>scope</c> claim per scope. Failures answer as problem details: 401 for a missing or bad key, 503 when
/// identity cannot be asked.
/// </summary>
public sealed partial class PartnerKeyAuthenticationHandler(
    IOptionsMonitor<PartnerKeyAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    PartnerKeyCache cache,
    IdentityApi.IdentityApiClient identity)
    : AuthenticationHandler<PartnerKeyAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "PartnerKey";
    public const string HeaderName = "X-Api-Key";

    public const string KeyIdClaim = "partner_key_id";
    public const string PartnerClaim = "partner";
    public const string ScopeClaim = "scope";

    private bool _identityUnavailable;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return AuthenticateResult.NoResult();
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(key)) return AuthenticateResult.Fail($"{HeaderName} must hold one key.");

        var verdict = cache.Get(key);
        if (verdict is null)
        {
            try
            {
                var reply = await identity.CheckPartnerKeyAsync(new CheckPartnerKeyRequest { Key = key },
                    deadline: DateTime.UtcNow + Options.CheckTimeout, cancellationToken: Context.RequestAborted);
                verdict = reply.Valid ? new PartnerKeyVerdict(true, reply.KeyId, reply.Partner, [.. reply.Scopes]) : PartnerKeyVerdict.Invalid;
                cache.Set(key, verdict);
            }
            catch (RpcException ex) when (!Context.RequestAborted.IsCancellationRequested)
            {
                // Not cached: the next request asks again.
                _identityUnavailable = true;
                LogCheckFailed(ex.StatusCode, ex.Status.Detail);
                return AuthenticateResult.Fail("Partner keys cannot be checked right now.");
            }
        }

        if (!verdict.Valid) return AuthenticateResult.Fail("The API key is not valid.");
        var claims = new List<Claim> { new(KeyIdClaim, verdict.KeyId), new(PartnerClaim, verdict.Partner) };
        claims.AddRange(verdict.Scopes.Select(scope => new Claim(ScopeClaim, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, PartnerClaim, roleType: null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (_identityUnavailable)
        {
            Response.Headers.RetryAfter = "5";
            await AuthenticationProblems.WriteAsync(Context, StatusCodes.Status503ServiceUnavailable, "Partner key check unavailable",
                "The API key could not be checked just now; try again shortly.");
            return;
        }

        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
        await AuthenticationProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, AuthenticationProblems.UnauthorizedTitle,
            result.None
                ? $"This API needs a partner API key in the {HeaderName} header."
                : "The API key is not valid: unknown, revoked or mistyped.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthenticationProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, AuthenticationProblems.ForbiddenTitle,
            "This API key's scopes do not allow this.");

    [LoggerMessage(LogLevel.Warning, "Could not check a partner key with identity: {StatusCode} {Detail}")]
    private partial void LogCheckFailed(StatusCode statusCode, string detail);
}

public static class PartnerKeyAuthenticationExtensions
{
    public const string PartnerPolicy = "partner";

    /// <summary>The "PartnerKey" scheme (<c>X-Api-Key</c>, checked by identity over gRPC, cached 30 s) and the "partner" policy.</summary>
    public static IHostApplicationBuilder AddPartnerKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpcClient<IdentityApi.IdentityApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:IdentityGrpc"] ?? "http://_grpc.identity"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PartnerKeyCache>();
        builder.Services.AddAuthentication()
            .AddScheme<PartnerKeyAuthenticationOptions, PartnerKeyAuthenticationHandler>(PartnerKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PartnerPolicy, policy => policy
                .AddAuthenticationSchemes(PartnerKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        return builder;
    }
}
