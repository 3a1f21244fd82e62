using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Omni.Authentication;

/// <summary>Reads identity's signing key and describes its public half; the key id is the RFC 7638 thumbprint, so it never needs configuring.</summary>
public static class OmniSigningKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The private key from PEM (PKCS#8, or SEC1 "EC PRIVATE KEY"), with its key id; throws when it is not an EC P-256 private key.</summary>
    public static ECDsaSecurityKey LoadPrivate(string pem)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            // An environment variable sometimes carries the PEM's line breaks as literal "\n".
            ecdsa.ImportFromPem(pem.Replace("\\n", "\n", StringComparison.Ordinal));
            // Throws for a public key alone: identity must be able to sign.
            var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid?.Value != P256Oid && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
            {
                throw new InvalidOperationException($"{OmniTokens.SigningKeyConfigurationKey} must be an EC P-256 key (ES256).");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException($"{OmniTokens.SigningKeyConfigurationKey} is not a PEM-encoded EC P-256 private key.", ex);
        }

        return new ECDsaSecurityKey(ecdsa) { KeyId = KeyId(ecdsa) };
    }

    /// <summary>Only the public half of <paramref name="key"/>, with the same key id: what validators need.</summary>
    public static ECDsaSecurityKey PublicPart(ECDsaSecurityKey key) =>
        new(ECDsa.Create(key.ECDsa.ExportParameters(includePrivateParameters: false))) { KeyId = key.KeyId };

    /// <summary>The public key as a JSON Web Key (kty, use, alg, kid, crv, x, y) for a JWKS document.</summary>
    public static IReadOnlyDictionary<string, string> ToPublicJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["alg"] = OmniTokens.Algorithm,
            ["kid"] = key.KeyId,
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }

    private static string KeyId(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }
}
