namespace Omni.Identity.Customers;

/// <summary>A person Omni talks to, known by one or more identities on any channel.</summary>
public sealed class Customer
{
    public Guid Id { get; init; }

    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }

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

    public DateTimeOffset FirstSeenAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }
}
