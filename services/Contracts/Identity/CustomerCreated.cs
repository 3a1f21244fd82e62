namespace Omni.Contracts.Identity;

/// <summary>A customer became known to Omni, first seen on an identity of the given kind.</summary>
public sealed record CustomerCreated(Guid CustomerId, string FirstIdentityKind, DateTimeOffset CreatedAt);
