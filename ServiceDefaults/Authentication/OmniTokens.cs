namespace Omni.Authentication;

/// <summary>What an Omni agent token says and who may do what with it: shared by identity (which signs) and every validator.</summary>
public static class OmniTokens
{
    public const string Issuer = "omni-identity";

    public const string Audience = "omni";

    /// <summary>ECDSA P-256 with SHA-256: the only algorithm an Omni token is signed or accepted with.</summary>
    public const string Algorithm = "ES256";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>Configuration key of identity's private signing key (PEM, PKCS#8 EC P-256). Only identity has it.</summary>
    public const string SigningKeyConfigurationKey = "Identity:SigningKey";

    /// <summary>Where identity publishes its public key; reached through service discovery.</summary>
    public const string DefaultJwksAddress = "http://identity/.well-known/jwks.json";

    public static class Claims
    {
        public const string Subject = "sub";
        public const string Name = "name";
        public const string Email = "email";
        public const string Role = "role";
    }
}

/// <summary>The roles an agent can hold.</summary>
public static class OmniRoles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    /// <summary>Writes and publishes help-centre articles (usually held beside <see cref="Agent"/>).</summary>
    public const string Editor = "editor";
}

/// <summary>Authorization policies every Omni process registers through <c>AddOmniAuthentication</c>.</summary>
public static class OmniPolicies
{
    /// <summary>Any signed-in agent: role agent, supervisor or admin.</summary>
    public const string Agent = "agent";

    /// <summary>Role supervisor or admin.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Role admin.</summary>
    public const string Admin = "admin";

    /// <summary>Role editor or admin: the help centre's articles.</summary>
    public const string Editor = "editor";
}
