namespace Omni.Contracts.Identity;

/// <summary>An identity (kind + normalised address) now belongs to the customer; verified says whether it was proven.</summary>
public sealed record IdentityLinked(Guid CustomerId, Guid IdentityId, string Kind, bool Verified, string? VerifiedMethod, DateTimeOffset LinkedAt);

/// <summary>
/// <paramref name="MergedId"/> was merged into <paramref name="SurvivorId"/>: services re-point their references
/// (conversations, messages) from the merged customer to the survivor.
/// </summary>
public sealed record CustomersMerged(Guid MergeId, Guid SurvivorId, Guid MergedId, Guid? MergedBy, DateTimeOffset MergedAt);

/// <summary>A merge was undone: <paramref name="MergedId"/> exists again on its own with the identities it had.</summary>
public sealed record CustomersUnmerged(Guid MergeId, Guid SurvivorId, Guid MergedId, IReadOnlyList<Guid> RestoredIdentityIds, Guid? UndoneBy, DateTimeOffset UndoneAt);

/// <summary>The customer asked to be forgotten: every service erases or pseudonymises what it holds about them.</summary>
public sealed record CustomerErasureRequested(Guid CustomerId, DateTimeOffset RequestedAt);

/// <summary>A one-time code must reach the customer on an address they claim (the channel service sends it).</summary>
public sealed record VerificationCodeRequested(Guid CustomerId, string Kind, string Address, string Code, string Language, DateTimeOffset ExpiresAt);

/// <summary>An agent account was created, changed or disabled.</summary>
public sealed record AgentChanged(Guid AgentId, string Name, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset ChangedAt);
