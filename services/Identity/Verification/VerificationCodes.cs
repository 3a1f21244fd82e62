using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Identity;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Identity.Merging;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Verification;

public sealed class VerificationOptions
{
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public int MaxAttempts { get; set; } = 5;

    /// <summary>Codes a customer may request per hour; more is someone fishing, or a loop.</summary>
    public int MaxCodesPerHour { get; set; } = 5;
}

public abstract record CodeOutcome
{
    public sealed record Requested(Guid VerificationId, DateTimeOffset ExpiresAt) : CodeOutcome;
    public sealed record Verified(Guid IdentityId, bool Linked) : CodeOutcome;
    public sealed record Invalid(string Field, string Reason) : CodeOutcome;
    public sealed record NotFound : CodeOutcome;
    public sealed record TooMany(string Reason) : CodeOutcome;
    public sealed record Gone(string Reason) : CodeOutcome;
    public sealed record BelongsToAnother(Guid SuggestionId) : CodeOutcome;
}

/// <summary>
/// Proves a customer reads an e-mail address or phone number: a six-digit code is sent there (by the channel service,
/// on <see cref="VerificationCodeRequested"/>) and typed back. A proven address is linked to the customer as verified;
/// one that already belongs to another customer becomes a merge suggestion for an agent, never an automatic merge.
/// </summary>
public sealed class VerificationCodes(IdentityDbContext db, AddressNormalizer normalizer, TimeProvider clock, Microsoft.Extensions.Options.IOptions<VerificationOptions> options, ILogger<VerificationCodes> logger)
{
    private readonly VerificationOptions _options = options.Value;

    public async Task<CodeOutcome> RequestAsync(Guid customerId, string? kindName, string? address, string? language, CancellationToken cancellationToken)
    {
        if (!IdentityKinds.TryParse(kindName, out var kind) || kind is not (IdentityKind.Email or IdentityKind.Phone))
        {
            return new CodeOutcome.Invalid("kind", "email or phone.");
        }
        string normalized;
        try { normalized = normalizer.Normalize(kind, address); }
        catch (InvalidAddressException ex) { return new CodeOutcome.Invalid("address", ex.Message); }

        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null || customer.ErasedAt is not null) return new CodeOutcome.NotFound();

        var now = clock.GetUtcNow();
        var lastHour = await db.VerificationCodes.CountAsync(v => v.CustomerId == customerId && v.CreatedAt > now.AddHours(-1), cancellationToken);
        if (lastHour >= _options.MaxCodesPerHour) return new CodeOutcome.TooMany($"At most {_options.MaxCodesPerHour} codes an hour; try again later.");

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var id = Guid.CreateVersion7();
        var verification = new VerificationCode
        {
            Id = id,
            CustomerId = customerId,
            Kind = kind,
            Address = normalized,
            // Salted with the verification's own id, so equal codes never hash alike.
            CodeHash = Hash(id, code),
            CreatedAt = now,
            ExpiresAt = now + _options.CodeLifetime,
        };
        db.VerificationCodes.Add(verification);
        db.Enqueue(new VerificationCodeRequested(customerId, kind.ToWireName(), normalized, code,
            language ?? customer.PreferredLanguage ?? "nl", verification.ExpiresAt), clock);
        await db.SaveChangesAsync(cancellationToken);
        return new CodeOutcome.Requested(verification.Id, verification.ExpiresAt);
    }

    public async Task<CodeOutcome> ConfirmAsync(Guid customerId, Guid verificationId, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Trim().Length != 6 || !code.Trim().All(char.IsAsciiDigit))
        {
            return new CodeOutcome.Invalid("code", "Six digits.");
        }
        var verification = await db.VerificationCodes.FirstOrDefaultAsync(v => v.Id == verificationId && v.CustomerId == customerId, cancellationToken);
        if (verification is null) return new CodeOutcome.NotFound();

        var now = clock.GetUtcNow();
        if (verification.ConsumedAt is not null) return new CodeOutcome.Gone("This code was used already; request a new one.");
        if (verification.ExpiresAt < now) return new CodeOutcome.Gone("This code has expired; request a new one.");
        if (verification.FailedAttempts >= _options.MaxAttempts) return new CodeOutcome.Gone("Too many wrong attempts; request a new code.");

        var expected = Convert.FromHexString(verification.CodeHash);
        var actual = Convert.FromHexString(Hash(verification.Id, code.Trim()));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            verification.FailedAttempts++;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogWarning("Wrong verification code for verification {VerificationId} (attempt {Attempt})", verification.Id, verification.FailedAttempts);
            return new CodeOutcome.Invalid("code", "That is not the code we sent.");
        }

        verification.ConsumedAt = now;
        var identity = await db.Identities.FirstOrDefaultAsync(i => i.Kind == verification.Kind && i.Address == verification.Address, cancellationToken);
        if (identity is not null && identity.CustomerId != customerId)
        {
            var suggestion = await SuggestAsync(customerId, identity.CustomerId, verification.Kind, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new CodeOutcome.BelongsToAnother(suggestion);
        }

        var linked = identity is null;
        identity ??= db.Identities.Add(new CustomerIdentity
        {
            Id = Guid.CreateVersion7(),
            CustomerId = customerId,
            Kind = verification.Kind,
            Address = verification.Address,
            LookAlikeKey = LookAlikes.KeyFor(verification.Kind, verification.Address),
            FirstSeenAt = now,
            LastSeenAt = now,
        }).Entity;
        identity.Verified = true;
        identity.VerifiedMethod = "code";
        identity.VerifiedAt = now;
        db.Enqueue(new IdentityLinked(customerId, identity.Id, verification.Kind.ToWireName(), true, "code", now), clock);
        await db.SaveChangesAsync(cancellationToken);
        return new CodeOutcome.Verified(identity.Id, linked);
    }

    private async Task<Guid> SuggestAsync(Guid customerId, Guid otherId, IdentityKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (a, b) = customerId.CompareTo(otherId) < 0 ? (customerId, otherId) : (otherId, customerId);
        var existing = await db.MergeSuggestions.FirstOrDefaultAsync(s => s.CustomerId == a && s.OtherCustomerId == b, cancellationToken);
        if (existing is not null) return existing.Id;
        var suggestion = new MergeSuggestion
        {
            Id = Guid.CreateVersion7(),
            CustomerId = a,
            OtherCustomerId = b,
            Evidence = $"Customer {customerId} proved by one-time code that it reads a {kind.ToWireName()} address of customer {otherId}.",
            Status = SuggestionStatus.Open,
            CreatedAt = now,
        };
        db.MergeSuggestions.Add(suggestion);
        return suggestion.Id;
    }

    private static string Hash(Guid salt, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{salt:N}:{code}")));
}
