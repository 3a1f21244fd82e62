using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Omni.Identity.Data;

namespace Omni.Identity.Partners;

public sealed record PartnerKeyCheck(bool Valid, Guid KeyId = default, string Partner = "", IReadOnlyList<string>? Scopes = null)
{
    public static readonly PartnerKeyCheck Invalid = new(false);
}

/// <summary>Says whether a presented partner key is one identity issued and has not revoked.</summary>
public sealed class PartnerKeyChecker(IdentityDbContext db, TimeProvider clock)
{
    // Last-used is for an admin's overview, not an audit trail: at most one write a minute per key.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // Compared against when the prefix is unknown, so that path does the same work as a wrong secret.
    private static readonly byte[] NoHash = new byte[32];

    public async Task<PartnerKeyCheck> CheckAsync(string? key, CancellationToken cancellationToken)
    {
        if (!PartnerKeySecret.TryParse(key, out var prefix, out var secret)) return PartnerKeyCheck.Invalid;

        var row = await db.PartnerKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix)
            .Select(k => new { k.Id, k.Partner, k.Scopes, k.SecretHash, k.RevokedAt, k.LastUsedAt })
            .FirstOrDefaultAsync(cancellationToken);

        var presented = PartnerKeySecret.Hash(secret);
        var matches = CryptographicOperations.FixedTimeEquals(presented, row is null ? NoHash : Convert.FromHexString(row.SecretHash));
        if (row is null || !matches || row.RevokedAt is not null) return PartnerKeyCheck.Invalid;

        var now = clock.GetUtcNow();
        if (row.LastUsedAt is null || now - row.LastUsedAt >= LastUsedResolution)
        {
            var before = now - LastUsedResolution;
            // Conditional, so concurrent checks of one key write once.
            await db.PartnerKeys
                .Where(k => k.Id == row.Id && (k.LastUsedAt == null || k.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }
        return new PartnerKeyCheck(true, row.Id, row.Partner, row.Scopes);
    }
}
