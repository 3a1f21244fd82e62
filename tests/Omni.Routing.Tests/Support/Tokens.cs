using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Omni.Authentication;

namespace Omni.Routing.Tests.Support;

/// <summary>
/// The signing key of this run (identity signs with it; routing validates with it locally) and tokens minted with it
/// exactly as identity issues them: ES256, issuer "omni-identity", audience "omni", claims sub, name and role.
/// </summary>
public sealed class Tokens
{
    private readonly ECDsaSecurityKey _key;

    public Tokens()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        SigningKeyPem = key.ExportPkcs8PrivateKeyPem();
        _key = OmniSigningKey.LoadPrivate(SigningKeyPem);
    }

    /// <summary>The private key (PEM) given to identity and routing as <c>Identity:SigningKey</c>.</summary>
    public string SigningKeyPem { get; }

    public string Issue(Guid subject, string name, params string[] roles)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OmniTokens.Issuer,
            Audience = OmniTokens.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [OmniTokens.Claims.Subject] = subject.ToString(),
                [OmniTokens.Claims.Name] = name,
                [OmniTokens.Claims.Role] = roles,
            },
        });
    }

    /// <summary>A supervisor of its own (not an agent routing knows).</summary>
    public string Supervisor() => Issue(Guid.CreateVersion7(), "Sam Supervisor", OmniRoles.Supervisor);

    public string Admin() => Issue(Guid.CreateVersion7(), "Ada Admin", OmniRoles.Admin);
}
