namespace Omni.Identity.Merging;

/// <summary>
/// An audited merge of one customer into another, with what is needed to undo it exactly: which identities moved and
/// both customers' profiles as they were.
/// </summary>
public sealed class Merge
{
    public Guid Id { get; init; }

    public Guid SurvivorId { get; init; }

    public Guid MergedId { get; init; }

    /// <summary>The agent who merged, or null when Omni merged on verified evidence (a website login).</summary>
    public Guid? MergedBy { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset MergedAt { get; init; }

    /// <summary>Ids of the identities that moved from the merged customer to the survivor.</summary>
    public List<Guid> MovedIdentityIds { get; init; } = [];

    /// <summary>The survivor's and the merged customer's profiles before the merge (JSON), restored by an undo.</summary>
    public required string SurvivorBefore { get; init; }

    public required string MergedBefore { get; init; }

    public DateTimeOffset? UndoneAt { get; set; }

    public Guid? UndoneBy { get; set; }

    public string? UndoReason { get; set; }
}

public enum SuggestionStatus
{
    Open,
    Merged,
    Dismissed,
}

/// <summary>Two customers that look like one person on evidence too weak to merge them automatically; for an agent to decide.</summary>
public sealed class MergeSuggestion
{
    public Guid Id { get; init; }

    public Guid CustomerId { get; init; }

    public Guid OtherCustomerId { get; init; }

    /// <summary>Why they look alike, in words an agent reads (no addresses: ids and kinds only).</summary>
    public required string Evidence { get; init; }

    public SuggestionStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DecidedAt { get; set; }

    public Guid? DecidedBy { get; set; }
}
