namespace Omni.Identity.Partners;

/// <summary>
/// An API key of a partner's system. The key is shown once at creation; Omni keeps its prefix (to find it) and a
/// SHA-256 of its secret part (high-entropy, so a fast hash is enough), never the key itself.
/// </summary>
public sealed class PartnerKey
{
    public Guid Id { get; init; }

    public required string Partner { get; init; }

    /// <summary>The public part of the key (<c>omni_pk_{prefix}_…</c>), unique.</summary>
    public required string Prefix { get; init; }

    public required string SecretHash { get; init; }

    public List<string> Scopes { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
