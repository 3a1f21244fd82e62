using System.Security.Cryptography;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// Identity's token-signing key and the first admin's password: generated on first run into <c>.omni/secrets/</c>
/// (whatever the infrastructure mode), kept across restarts, and handed to identity as secret parameters.
/// </summary>
public static class IdentitySecrets
{
    public const string AdminEmail = "admin@omni.local";

    /// <summary>EC P-256 private key, PEM (PKCS#8).</summary>
    public const string SigningKeyFile = "identity-signing-key.pem";

    public const string AdminPasswordFile = "identity-admin-password";

    /// <summary>Gives identity its signing key (<c>Identity__SigningKey</c>) and a bootstrap admin (<c>Identity__BootstrapAdmin__*</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithSigningKeyAndBootstrapAdmin(this IResourceBuilder<ProjectResource> identity)
    {
        var builder = identity.ApplicationBuilder;
        var secrets = SecretFolder.For(builder);
        // Read (or made) when identity starts, not when the model is built: publishing a manifest makes no files.
        var signingKey = builder.AddParameter("identity-signing-key", () => secrets.Get(SigningKeyFile, NewSigningKeyPem), secret: true);
        var adminPassword = builder.AddParameter("identity-admin-password", () => secrets.Password(AdminPasswordFile), secret: true);
        return identity
            .WithEnvironment("Identity__SigningKey", signingKey)
            .WithEnvironment("Identity__BootstrapAdmin__Email", AdminEmail)
            .WithEnvironment("Identity__BootstrapAdmin__Password", adminPassword);
    }

    private static string NewSigningKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
