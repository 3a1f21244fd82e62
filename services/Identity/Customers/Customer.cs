namespace Omni.Identity.Customers;

/// <summary>A person Omni talks to, known by one or more identities on any channel.</summary>
public sealed class Customer
{
    public Guid Id { get; init; }

    public string? DisplayName { get; set; }

    /// <summary>ISO 639-1 code of the language the customer prefers (nl, en, …), when known.</summary>
    public string? PreferredLanguage { get; set; }

    /// <summary>Service tier, e.g. "gold"; null for none.</summary>
    public string? VipTier { get; set; }

    /// <summary>Free attributes (customer number, city, …) the company keeps about the customer.</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Set while this customer is merged into another; its identities then belong to that one.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>Set once the customer's personal data was erased; the row stays, pseudonymised, so references hold.</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>PostgreSQL's row version: two merges racing on one customer cannot both commit.</summary>
    public uint Version { get; set; }

    public List<CustomerIdentity> Identities { get; } = [];
}

/// <summary>One way to reach a customer: a kind and its normalised address, unique across all customers.</summary>
public sealed class CustomerIdentity
{
    public Guid Id { get; init; }

    public Guid CustomerId { get; set; }

    public IdentityKind Kind { get; init; }

    public required string Address { get; init; }

    public bool Verified { get; set; }

    /// <summary>How it was verified: <c>hmac</c> (a website vouched), <c>code</c> (one-time code), <c>provider</c> (e.g. WhatsApp).</summary>
    public string? VerifiedMethod { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>
    /// A looser form of the address (e-mail without dots and +tags in the local part, the last nine digits of a phone
    /// number) under which look-alikes meet; never used to merge, only to suggest.
    /// </summary>
    public string? LookAlikeKey { get; set; }

    public DateTimeOffset FirstSeenAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }
}
