using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Omni.Authentication;

namespace Microsoft.Extensions.Hosting;

public static class OmniAuthenticationExtensions
{
    /// <summary>
    /// Validates Omni agent tokens (JwtBearer: ES256, issuer, audience, lifetime) and adds the "agent", "supervisor"
    /// "admin" and "editor" policies. Keys come from <c>Identity:SigningKey</c> when this process holds it (identity itself),
    /// else from identity's JWKS through service discovery (<c>Omni:Authentication:JwksAddress</c>). 401 and 403 are
    /// problem details.
    /// </summary>
    public static TBuilder AddOmniAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        var signingKeyPem = builder.Configuration[OmniTokens.SigningKeyConfigurationKey];
        var localKey = string.IsNullOrWhiteSpace(signingKeyPem) ? null : OmniSigningKey.PublicPart(OmniSigningKey.LoadPrivate(signingKeyPem));
        if (localKey is null)
        {
            var address = new Uri(builder.Configuration["Omni:Authentication:JwksAddress"] ?? OmniTokens.DefaultJwksAddress);
            services.AddHttpClient(JwksKeys.HttpClientName);
            services.TryAddSingleton(sp => new JwksKeys(
                sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JwksKeys>>(), address));
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((options, sp) =>
        {
            // Claims keep the names identity gave them: sub, name, email, role.
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = OmniTokens.Issuer,
                ValidAudience = OmniTokens.Audience,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromMinutes(1),
                NameClaimType = OmniTokens.Claims.Name,
                RoleClaimType = OmniTokens.Claims.Role,
            };
            if (localKey is not null)
            {
                options.TokenValidationParameters.IssuerSigningKey = localKey;
            }
            else
            {
                var keys = sp.GetRequiredService<JwksKeys>();
                options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Current;
            }

            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    // Browsers cannot set headers on WebSockets or server-sent events: SignalR's clients send the
                    // token as access_token in the query, accepted on hub paths only.
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization) &&
                        context.Request.Path.StartsWithSegments("/hubs") &&
                        context.Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
                    {
                        context.Token = queryToken;
                    }
                    return localKey is null ? FetchKeyIfUnknownAsync(context) : Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
                    await AuthenticationProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, AuthenticationProblems.UnauthorizedTitle,
                        context.AuthenticateFailure is null
                            ? "This API needs an agent's access token (Authorization: Bearer …) from POST /api/v1/auth/token."
                            : "The access token is not valid: expired, or not issued by Omni.");
                },
                OnForbidden = context => AuthenticationProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                    AuthenticationProblems.ForbiddenTitle, "Your roles do not allow this."),
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(OmniPolicies.Agent, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireRole(OmniRoles.Agent, OmniRoles.Supervisor, OmniRoles.Admin))
            .AddPolicy(OmniPolicies.Supervisor, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireRole(OmniRoles.Supervisor, OmniRoles.Admin))
            .AddPolicy(OmniPolicies.Admin, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireRole(OmniRoles.Admin))
            .AddPolicy(OmniPolicies.Editor, policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireRole(OmniRoles.Editor, OmniRoles.Admin));
        return builder;
    }

    private static async Task FetchKeyIfUnknownAsync(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = context.Token ?? (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null);
        if (string.IsNullOrEmpty(token)) return;
        string? keyId;
        try
        {
            keyId = new JsonWebToken(token).Kid;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return; // not a JWT at all; validation says so
        }
        await context.HttpContext.RequestServices.GetRequiredService<JwksKeys>().EnsureAsync(keyId, context.HttpContext.RequestAborted);
    }
}
