using Microsoft.EntityFrameworkCore;
using Omni.Identity.Customers;
using Omni.Identity.Data;

namespace Omni.Identity.Merging;

/// <summary>
/// Addresses that are probably one person's written differently (j.jansen+shop@gmail.com and jjansen@gmail.com; a
/// number with and without its country code) meet under a look-alike key. A match is only ever a suggestion for an
/// agent: dots and +tags mean one mailbox at some providers and two at others.
/// </summary>
public static class LookAlikes
{
    private const int PhoneDigits = 9;

    /// <summary>The look-alike key of a normalised address, or null for kinds that have none.</summary>
    public static string? KeyFor(IdentityKind kind, string normalizedAddress) => kind switch
    {
        IdentityKind.Email => EmailKey(normalizedAddress),
        IdentityKind.Phone or IdentityKind.WhatsApp => PhoneKey(normalizedAddress),
        _ => null,
    };

    /// <summary>
    /// Adds a suggestion (not saved) for every other customer with an identity under the same key as
    /// <paramref name="identity"/>, unless the pair has one already.
    /// </summary>
    public static async Task SuggestAsync(IdentityDbContext db, Guid customerId, CustomerIdentity identity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (identity.LookAlikeKey is null) return;

        var alike = await db.Identities.AsNoTracking()
            .Where(i => i.LookAlikeKey == identity.LookAlikeKey && i.CustomerId != customerId)
            .Select(i => new { i.Id, i.CustomerId, i.Kind })
            .ToListAsync(cancellationToken);

        foreach (var other in alike.GroupBy(i => i.CustomerId))
        {
            var (a, b) = Pair(customerId, other.Key);
            var known = db.MergeSuggestions.Local.Any(s => s.CustomerId == a && s.OtherCustomerId == b)
                || await db.MergeSuggestions.AnyAsync(s => s.CustomerId == a && s.OtherCustomerId == b, cancellationToken);
            if (known) continue;

            var first = other.First();
            db.MergeSuggestions.Add(new MergeSuggestion
            {
                Id = Guid.CreateVersion7(),
                CustomerId = a,
                OtherCustomerId = b,
                // Ids and kinds only: evidence is shown and logged, addresses are personal data.
                Evidence = $"{identity.Kind.ToWireName()} identity {identity.Id} of customer {customerId} looks like " +
                           $"{first.Kind.ToWireName()} identity {first.Id} of customer {other.Key}.",
                Status = SuggestionStatus.Open,
                CreatedAt = now,
            });
        }
    }

    /// <summary>A pair of customers in the one order suggestions are stored in.</summary>
    public static (Guid First, Guid Second) Pair(Guid a, Guid b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);

    private static string? EmailKey(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0) return null;
        var local = address[..at];
        var plus = local.IndexOf('+');
        if (plus >= 0) local = local[..plus];
        local = local.Replace(".", "", StringComparison.Ordinal);
        return local.Length == 0 ? null : $"{local}@{address[(at + 1)..]}".ToLowerInvariant();
    }

    private static string? PhoneKey(string address)
    {
        var digits = new string(address.Where(char.IsAsciiDigit).ToArray());
        // Shorter than that is a short code, not a number people write in two ways.
        return digits.Length < PhoneDigits ? null : digits[^PhoneDigits..];
    }
}
