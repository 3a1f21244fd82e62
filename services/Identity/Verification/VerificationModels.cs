namespace Omni.Identity.Verification;

/// <summary>The secret a website shares with Omni to vouch for its logged-in users (HMAC-SHA256 of the user id).</summary>
public sealed class WebsiteSecret
{
    public Guid Id { get; init; }

    /// <summary>The website's key as the widget sends it (the channel account of the web widget).</summary>
    public required string Site { get; init; }

    public required string Secret { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A one-time code sent to an address to prove the customer can read it.</summary>
public sealed class VerificationCode
{
    public Guid Id { get; init; }

    public Guid CustomerId { get; init; }

    public Customers.IdentityKind Kind { get; init; }

    public required string Address { get; init; }

    /// <summary>SHA-256 of the code; the code itself is only ever in the message sent to the customer.</summary>
    public required string CodeHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset? ConsumedAt { get; set; }
}
