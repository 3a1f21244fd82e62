using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Contracts.Identity;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Identity.Merging;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Verification;

public abstract record WebVerification
{
    public sealed record Verified(Guid CustomerId) : WebVerification;
    public sealed record NotVerified(Guid? CustomerId) : WebVerification;
    public sealed record UnknownSite : WebVerification;
}

/// <summary>
/// A website vouches for its logged-in user with <c>hex(HMAC-SHA256(site secret, user id))</c>, as the chat widget
/// passes it on. A proof that checks out makes the identity <c>external "{site}:{user id}"</c> verified and the
/// visitor that customer: the identity is linked to the visitor when new, or the visitor merged into the customer who
/// has it (a verified login is evidence enough; the merge is audited and can be undone). A proof that does not check
/// out links nothing and is logged.
/// </summary>
public sealed class WebsiteVerification(IdentityDbContext db, MergeService merges, TimeProvider clock, ILogger<WebsiteVerification> logger)
{
    public const string MergeReason = "The visitor signed in on the website (verified login).";

    public async Task<WebVerification> VerifyAsync(string site, string userId, string hash, Guid? visitorId, CancellationToken cancellationToken)
    {
        var secret = await db.WebsiteSecrets.AsNoTracking().FirstOrDefaultAsync(w => w.Site == site && w.RevokedAt == null, cancellationToken);
        if (secret is null) return new WebVerification.UnknownSite();

        if (!ProofHolds(secret.Secret, userId, hash))
        {
            logger.LogWarning("A login proof for site {Site} did not check out; nothing was linked (visitor {VisitorId})", site, visitorId);
            return new WebVerification.NotVerified(visitorId);
        }

        var address = $"{site}:{userId}";
        var now = clock.GetUtcNow();
        var identity = await db.Identities.FirstOrDefaultAsync(i => i.Kind == IdentityKind.External && i.Address == address, cancellationToken);
        if (identity is not null)
        {
            if (!identity.Verified)
            {
                MarkVerified(identity, now);
                db.Enqueue(new IdentityLinked(identity.CustomerId, identity.Id, IdentityKind.External.ToWireName(), true, "hmac", now), clock);
                await db.SaveChangesAsync(cancellationToken);
            }
            if (visitorId is { } visitor && visitor != identity.CustomerId)
            {
                var outcome = await merges.MergeAsync(identity.CustomerId, visitor, MergeReason, null, null, cancellationToken);
                if (outcome is not MergeOutcome.Done)
                {
                    logger.LogWarning("Visitor {VisitorId} signed in as customer {CustomerId} but could not be merged: {Outcome}", visitor, identity.CustomerId, outcome.GetType().Name);
                }
            }
            return new WebVerification.Verified(identity.CustomerId);
        }

        var owner = visitorId is { } id
            ? await db.Customers.FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null && c.ErasedAt == null, cancellationToken)
            : null;
        if (owner is null)
        {
            owner = new Customer { Id = Guid.CreateVersion7(), CreatedAt = now, LastSeenAt = now };
            db.Customers.Add(owner);
            db.Enqueue(new Contracts.Identity.CustomerCreated(owner.Id, IdentityKind.External.ToWireName(), now), clock);
        }
        identity = new CustomerIdentity
        {
            Id = Guid.CreateVersion7(),
            CustomerId = owner.Id,
            Kind = IdentityKind.External,
            Address = address,
            FirstSeenAt = now,
            LastSeenAt = now,
        };
        MarkVerified(identity, now);
        db.Identities.Add(identity);
        db.Enqueue(new IdentityLinked(owner.Id, identity.Id, IdentityKind.External.ToWireName(), true, "hmac", now), clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same user signed in from two tabs at once; the other one linked it. Go again and merge into theirs.
            db.ChangeTracker.Clear();
            return await VerifyAsync(site, userId, hash, visitorId, cancellationToken);
        }
        return new WebVerification.Verified(owner.Id);
    }

    /// <summary>The proof a website computes for its user: lower-case hex HMAC-SHA256 of the user id under the site's secret.</summary>
    public static string Proof(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    private static bool ProofHolds(string secret, string userId, string hash)
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId));
        byte[] provided;
        try { provided = Convert.FromHexString(hash.Trim()); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, provided);
    }

    private static void MarkVerified(CustomerIdentity identity, DateTimeOffset now)
    {
        identity.Verified = true;
        identity.VerifiedMethod = "hmac";
        identity.VerifiedAt = now;
    }
}
