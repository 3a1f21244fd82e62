using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Contracts.Identity;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Merging;

public abstract record MergeOutcome
{
    public sealed record Done(Merge Merge) : MergeOutcome;
    public sealed record Decided(MergeSuggestion Suggestion) : MergeOutcome;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : MergeOutcome;
    public sealed record NotFound(string Detail) : MergeOutcome;
    public sealed record Conflict(string Detail) : MergeOutcome;
}

/// <summary>
/// Merges two customers an agent found to be one person, and undoes such a merge exactly: the merge row keeps which
/// identities moved and both profiles as they were. Both customers' rows are written by every merge and undo, so
/// their row versions make two racing operations on one customer commit one and refuse the other.
/// </summary>
public sealed class MergeService(IdentityDbContext db, TimeProvider clock, ILogger<MergeService> logger)
{
    public const int MaxReasonLength = 500;

    public async Task<MergeOutcome> MergeAsync(
        Guid? survivorId, Guid? mergedId, string? reason, Guid? suggestionId, Guid? agentId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (survivorId is null || survivorId == Guid.Empty) errors["survivorId"] = ["Required: the customer who remains."];
        if (mergedId is null || mergedId == Guid.Empty) errors["mergedId"] = ["Required: the customer merged into the survivor."];
        if (survivorId is not null && survivorId == mergedId)
        {
            errors["survivorId"] = errors["mergedId"] = ["A customer cannot be merged into itself."];
        }
        ValidateReason(reason, errors);
        if (errors.Count > 0) return new MergeOutcome.Invalid(errors);

        var customers = await db.Customers.Include(c => c.Identities)
            .Where(c => c.Id == survivorId || c.Id == mergedId)
            .ToListAsync(cancellationToken);
        var survivor = customers.FirstOrDefault(c => c.Id == survivorId);
        var merged = customers.FirstOrDefault(c => c.Id == mergedId);
        if (survivor is null) return new MergeOutcome.NotFound($"Customer {survivorId} (survivorId) does not exist.");
        if (merged is null) return new MergeOutcome.NotFound($"Customer {mergedId} (mergedId) does not exist.");
        if ((Unmergeable(survivor) ?? Unmergeable(merged)) is { } why) return new MergeOutcome.Conflict(why);

        var (first, second) = LookAlikes.Pair(survivor.Id, merged.Id);
        MergeSuggestion? suggestion;
        if (suggestionId is { } id)
        {
            suggestion = await db.MergeSuggestions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (suggestion is null) return new MergeOutcome.NotFound($"Merge suggestion {id} (suggestionId) does not exist.");
            if (suggestion.CustomerId != first || suggestion.OtherCustomerId != second)
            {
                return new MergeOutcome.Invalid(new() { ["suggestionId"] = ["The suggestion is about other customers."] });
            }
            if (suggestion.Status != SuggestionStatus.Open) return new MergeOutcome.Conflict($"Merge suggestion {id} is {Wire(suggestion.Status)} already.");
        }
        else
        {
            // A merge decides an open suggestion for the same pair, however the agent got there.
            suggestion = await db.MergeSuggestions.FirstOrDefaultAsync(
                s => s.CustomerId == first && s.OtherCustomerId == second && s.Status == SuggestionStatus.Open, cancellationToken);
        }

        var now = clock.GetUtcNow();
        var moved = merged.Identities.ToList();
        var merge = new Merge
        {
            Id = Guid.CreateVersion7(),
            SurvivorId = survivor.Id,
            MergedId = merged.Id,
            MergedBy = agentId,
            Reason = reason!.Trim(),
            MergedAt = now,
            MovedIdentityIds = moved.Select(i => i.Id).ToList(),
            SurvivorBefore = ProfileSnapshot.Of(survivor).ToJson(),
            MergedBefore = ProfileSnapshot.Of(merged).ToJson(),
        };
        foreach (var identity in moved) identity.CustomerId = survivor.Id;
        FillMissing(survivor, merged);
        merged.MergedIntoId = survivor.Id;
        Touch(survivor);
        db.Merges.Add(merge);
        if (suggestion is not null)
        {
            suggestion.Status = SuggestionStatus.Merged;
            suggestion.DecidedAt = now;
            suggestion.DecidedBy = agentId;
        }
        db.Enqueue(new CustomersMerged(merge.Id, survivor.Id, merged.Id, agentId, now), clock);

        if (await TrySaveAsync(cancellationToken) is { } conflict) return conflict;
        logger.LogInformation("Merged customer {MergedId} into {SurvivorId} (merge {MergeId}, {Moved} identities moved)",
            merged.Id, survivor.Id, merge.Id, moved.Count);
        return new MergeOutcome.Done(merge);
    }

    public async Task<MergeOutcome> UndoAsync(Guid mergeId, string? reason, Guid? agentId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateReason(reason, errors);
        if (errors.Count > 0) return new MergeOutcome.Invalid(errors);

        var merge = await db.Merges.FirstOrDefaultAsync(m => m.Id == mergeId, cancellationToken);
        if (merge is null) return new MergeOutcome.NotFound($"Merge {mergeId} does not exist.");
        if (merge.UndoneAt is not null) return new MergeOutcome.Conflict($"Merge {mergeId} was undone already, at {merge.UndoneAt:O}.");

        var customers = await db.Customers.Include(c => c.Identities)
            .Where(c => c.Id == merge.SurvivorId || c.Id == merge.MergedId)
            .ToListAsync(cancellationToken);
        var survivor = customers.Single(c => c.Id == merge.SurvivorId);
        var merged = customers.Single(c => c.Id == merge.MergedId);
        if (survivor.ErasedAt is not null || merged.ErasedAt is not null)
        {
            return new MergeOutcome.Conflict("A customer of this merge has been erased since; there is nothing left to restore.");
        }
        if (survivor.MergedIntoId is { } next)
        {
            var later = await db.Merges.Where(m => m.MergedId == survivor.Id && m.UndoneAt == null)
                .Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
            return new MergeOutcome.Conflict(
                $"Survivor {survivor.Id} has since been merged into customer {next} (merge {later}): undo that merge first.");
        }

        var now = clock.GetUtcNow();
        ProfileSnapshot.Parse(merge.SurvivorBefore).RestoreTo(survivor);
        ProfileSnapshot.Parse(merge.MergedBefore).RestoreTo(merged);
        merged.MergedIntoId = null;
        var restored = survivor.Identities.Where(i => merge.MovedIdentityIds.Contains(i.Id)).ToList();
        foreach (var identity in restored) identity.CustomerId = merged.Id;
        Touch(survivor);
        Touch(merged);
        merge.UndoneAt = now;
        merge.UndoneBy = agentId;
        merge.UndoReason = reason!.Trim();

        // The agent has just said these two are not one person: the suggestion that led here is settled that way.
        var (first, second) = LookAlikes.Pair(survivor.Id, merged.Id);
        var suggestion = await db.MergeSuggestions.FirstOrDefaultAsync(
            s => s.CustomerId == first && s.OtherCustomerId == second && s.Status == SuggestionStatus.Merged, cancellationToken);
        if (suggestion is not null)
        {
            suggestion.Status = SuggestionStatus.Dismissed;
            suggestion.DecidedAt = now;
            suggestion.DecidedBy = agentId;
        }
        var restoredIds = restored.Select(i => i.Id).ToList();
        db.Enqueue(new CustomersUnmerged(merge.Id, survivor.Id, merged.Id, restoredIds, agentId, now), clock);

        if (await TrySaveAsync(cancellationToken) is { } conflict) return conflict;
        logger.LogInformation("Undid merge {MergeId}: customer {MergedId} split from {SurvivorId} with {Restored} identities",
            merge.Id, merged.Id, survivor.Id, restoredIds.Count);
        return new MergeOutcome.Done(merge);
    }

    public async Task<MergeOutcome> DismissSuggestionAsync(Guid suggestionId, Guid? agentId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Conditional, so a dismissal never overwrites the merge that accepted the suggestion a moment earlier.
        await db.MergeSuggestions.Where(s => s.Id == suggestionId && s.Status == SuggestionStatus.Open)
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Status, SuggestionStatus.Dismissed)
                .SetProperty(s => s.DecidedAt, now)
                .SetProperty(s => s.DecidedBy, agentId), cancellationToken);

        var suggestion = await db.MergeSuggestions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == suggestionId, cancellationToken);
        return suggestion switch
        {
            null => new MergeOutcome.NotFound($"Merge suggestion {suggestionId} does not exist."),
            { Status: SuggestionStatus.Merged } => new MergeOutcome.Conflict($"Merge suggestion {suggestionId} was accepted: undo the merge instead."),
            _ => new MergeOutcome.Decided(suggestion),
        };
    }

    /// <summary>The wire name of a suggestion status (open, merged, dismissed).</summary>
    public static string Wire(SuggestionStatus status) => status.ToString().ToLowerInvariant();

    private static string? Unmergeable(Customer customer) =>
        customer.ErasedAt is not null ? $"Customer {customer.Id} has been erased."
        : customer.MergedIntoId is { } into ? $"Customer {customer.Id} is merged into customer {into} already."
        : null;

    private static void ValidateReason(string? reason, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(reason)) errors["reason"] = ["Required: why, in the agent's words."];
        else if (reason.Trim().Length > MaxReasonLength) errors["reason"] = [$"At most {MaxReasonLength} characters."];
    }

    /// <summary>The survivor keeps what it has; what it lacks it takes from the merged customer.</summary>
    private static void FillMissing(Customer survivor, Customer merged)
    {
        if (string.IsNullOrEmpty(survivor.DisplayName)) survivor.DisplayName = merged.DisplayName;
        if (string.IsNullOrEmpty(survivor.PreferredLanguage)) survivor.PreferredLanguage = merged.PreferredLanguage;
        if (string.IsNullOrEmpty(survivor.VipTier)) survivor.VipTier = merged.VipTier;
        if (merged.Attributes.Keys.Any(key => !survivor.Attributes.ContainsKey(key)))
        {
            var attributes = new Dictionary<string, string>(survivor.Attributes);
            foreach (var (key, value) in merged.Attributes) attributes.TryAdd(key, value);
            survivor.Attributes = attributes;
        }
    }

    /// <summary>Writes the row even when nothing in it changed, so its row version is checked and bumped.</summary>
    private void Touch(Customer customer) => db.Entry(customer).Property(c => c.LastSeenAt).IsModified = true;

    private async Task<MergeOutcome.Conflict?> TrySaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException
            || ex is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } })
        {
            db.ChangeTracker.Clear();
            return new MergeOutcome.Conflict("One of these customers changed a moment ago (another merge, undo, erasure or a new contact); reload and decide again.");
        }
    }
}
