using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Omni.Authentication;

namespace Omni.Identity.Agents;

public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs agents' access tokens with identity's private key (<c>Identity:SigningKey</c>, ES256), which only this
/// service holds; everyone else validates with the public key from <c>/.well-known/jwks.json</c>.
/// </summary>
public sealed class AgentTokens
{
    private readonly ECDsaSecurityKey? _key;
    private readonly TimeProvider _clock;
    private readonly JsonWebTokenHandler _handler = new();

    public AgentTokens(IConfiguration configuration, TimeProvider clock, ILogger<AgentTokens> logger)
    {
        _clock = clock;
        var pem = configuration[OmniTokens.SigningKeyConfigurationKey];
        if (string.IsNullOrWhiteSpace(pem))
        {
            // Other services' tests host identity for its gRPC alone; a deployment always has a key (the AppHost makes one).
            logger.LogWarning("{Setting} is not configured: agents cannot sign in", OmniTokens.SigningKeyConfigurationKey);
            return;
        }
        _key = OmniSigningKey.LoadPrivate(pem);
    }

    public bool CanSign => _key is not null;

    /// <summary>The public key in a JWKS document (empty when no key is configured).</summary>
    public object JsonWebKeySet => new { keys = _key is null ? [] : new[] { OmniSigningKey.ToPublicJwk(_key) } };

    public AccessToken Issue(Agent agent)
    {
        var key = _key ?? throw new InvalidOperationException($"{OmniTokens.SigningKeyConfigurationKey} is not configured.");
        var now = _clock.GetUtcNow();
        var expires = now + OmniTokens.Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OmniTokens.Issuer,
            Audience = OmniTokens.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [OmniTokens.Claims.Subject] = agent.Id.ToString(),
                [OmniTokens.Claims.Name] = agent.Name,
                [OmniTokens.Claims.Email] = agent.Email,
                // An array: validators see one role claim per role.
                [OmniTokens.Claims.Role] = agent.Roles.ToArray(),
                ["jti"] = Guid.CreateVersion7().ToString(),
            },
        });
        return new AccessToken(token, expires);
    }
}
