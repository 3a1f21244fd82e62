using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Contracts.Identity;
using Omni.Identity.Data;
using Omni.Identity.Merging;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Customers;

public sealed record Resolution(Guid CustomerId, bool Created, string NormalizedAddress);

/// <summary>Finds the customer behind an address, or creates one; the unique index settles races.</summary>
public sealed class CustomerResolver(IdentityDbContext db, AddressNormalizer normalizer, LastSeenRecorder lastSeen, TimeProvider clock)
{
    // last-seen is informative, not an audit trail: refresh it at most once a minute per identity.
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<Resolution> ResolveAsync(IdentityKind kind, string address, CancellationToken cancellationToken)
    {
        var normalized = normalizer.Normalize(kind, address);
        while (true)
        {
            var now = clock.GetUtcNow();
            var existing = await db.Identities
                .Where(i => i.Kind == kind && i.Address == normalized)
                .Select(i => new { i.Id, i.CustomerId, i.LastSeenAt })
                .FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                if (now - existing.LastSeenAt > LastSeenResolution) lastSeen.Seen(existing.Id, existing.CustomerId, now);
                return new Resolution(existing.CustomerId, Created: false, normalized);
            }

            var customer = new Customer { Id = Guid.CreateVersion7(), CreatedAt = now, LastSeenAt = now };
            // WhatsApp only delivers messages from the number it verified itself.
            var providerVerified = kind == IdentityKind.WhatsApp;
            var identity = new CustomerIdentity
            {
                Id = Guid.CreateVersion7(),
                Kind = kind,
                Address = normalized,
                Verified = providerVerified,
                VerifiedMethod = providerVerified ? "provider" : null,
                VerifiedAt = providerVerified ? now : null,
                FirstSeenAt = now,
                LastSeenAt = now,
                LookAlikeKey = LookAlikes.KeyFor(kind, normalized),
            };
            customer.Identities.Add(identity);
            await LookAlikes.SuggestAsync(db, customer.Id, identity, now, cancellationToken);
            db.Customers.Add(customer);
            db.Enqueue(new CustomerCreated(customer.Id, kind.ToWireName(), now), clock);
            db.Enqueue(new IdentityLinked(customer.Id, identity.Id, kind.ToWireName(), identity.Verified, identity.VerifiedMethod, now), clock);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new Resolution(customer.Id, Created: true, normalized);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another request created this identity a moment ago; read theirs.
                db.ChangeTracker.Clear();
            }
        }
    }
}
