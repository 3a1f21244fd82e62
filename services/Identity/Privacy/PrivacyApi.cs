using Omni.Authentication;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Identity;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Identity.Merging;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Privacy;

public sealed record ExportedProfile(
    Guid Id, string? DisplayName, string? PreferredLanguage, string? VipTier, IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, Guid? MergedIntoId, DateTimeOffset? ErasedAt);

public sealed record ExportedIdentity(
    Guid Id, Guid CustomerId, string Kind, string Address, bool Verified, string? VerifiedMethod, DateTimeOffset? VerifiedAt,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

/// <summary>A merge involving the customer, with the profiles of theirs it found (the other side is someone else's).</summary>
public sealed record ExportedMerge(MergeDto Merge, JsonElement? SurvivorBefore, JsonElement? MergedBefore);

public sealed record ExportedVerificationCode(
    Guid Id, Guid CustomerId, string Kind, string Address, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int FailedAttempts, DateTimeOffset? ConsumedAt);

/// <summary>Everything identity holds about a customer, including the customers merged into them (the same person).</summary>
public sealed record CustomerExport(
    DateTimeOffset ExportedAt,
    ExportedProfile Customer,
    IReadOnlyList<ExportedProfile> MergedCustomers,
    IReadOnlyList<ExportedIdentity> Identities,
    IReadOnlyList<ExportedMerge> Merges,
    IReadOnlyList<MergeSuggestionDto> Suggestions,
    IReadOnlyList<ExportedVerificationCode> VerificationCodes);

/// <summary>
/// The GDPR rights identity serves: access (export) and erasure. Erasure deletes the identities and pseudonymises the
/// profile (the row stays so references in other services hold) of the customer and of every customer merged into
/// them, scrubs their profiles from merge snapshots, and asks every other service to erase too.
/// </summary>
public static class PrivacyApi
{
    private const int EraseAttempts = 3;
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Export (<c>GET …/export</c>) and erasure (<c>DELETE</c>) of a customer's personal data.</summary>
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        // Exports and erasures are a supervisor's call: they are irreversible or hand out everything about a person.
        var customers = app.MapGroup("/api/v1/customers").WithTags("Privacy").RequireAuthorization(OmniPolicies.Supervisor);

        customers.MapGet("/{id:guid}/export", Export)
            .WithName("ExportCustomer")
            .WithSummary("Everything identity holds about a customer as a JSON download (right of access): profile, identities with " +
                         "verification, merges, suggestions, verification codes (never their hashes).");

        customers.MapDelete("/{id:guid}", Erase)
            .WithName("EraseCustomer")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Erases a customer (right to be forgotten): identities deleted, profile pseudonymised, open suggestions " +
                         "dismissed, every service asked to erase too. Idempotent.");

        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> Export(
        Guid id, IdentityDbContext db, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null) return TypedResults.NotFound();

        var group = await WithMergedIntoAsync(db.Customers.AsNoTracking(), customer, cancellationToken);
        var ids = group.Select(c => c.Id).ToList();
        var identities = await db.Identities.AsNoTracking().Where(i => ids.Contains(i.CustomerId)).OrderBy(i => i.FirstSeenAt).ToListAsync(cancellationToken);
        var merges = await db.Merges.AsNoTracking().Where(m => ids.Contains(m.SurvivorId) || ids.Contains(m.MergedId))
            .OrderBy(m => m.MergedAt).ToListAsync(cancellationToken);
        var suggestions = await db.MergeSuggestions.AsNoTracking().Where(s => ids.Contains(s.CustomerId) || ids.Contains(s.OtherCustomerId))
            .OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        var codes = await db.VerificationCodes.AsNoTracking().Where(v => ids.Contains(v.CustomerId)).OrderBy(v => v.CreatedAt).ToListAsync(cancellationToken);

        var export = new CustomerExport(
            clock.GetUtcNow(),
            Profile(customer),
            group.Skip(1).Select(Profile).ToList(),
            identities.Select(i => new ExportedIdentity(i.Id, i.CustomerId, i.Kind.ToWireName(), i.Address, i.Verified, i.VerifiedMethod,
                i.VerifiedAt, i.FirstSeenAt, i.LastSeenAt)).ToList(),
            merges.Select(m => new ExportedMerge(MergeDto.From(m),
                ids.Contains(m.SurvivorId) ? Json(m.SurvivorBefore) : null,
                ids.Contains(m.MergedId) ? Json(m.MergedBefore) : null)).ToList(),
            suggestions.Select(MergeSuggestionDto.From).ToList(),
            codes.Select(v => new ExportedVerificationCode(v.Id, v.CustomerId, v.Kind.ToWireName(), v.Address, v.CreatedAt, v.ExpiresAt,
                v.FailedAttempts, v.ConsumedAt)).ToList());

        // Personal data: no cache on the way may keep a copy.
        response.Headers.CacheControl = "no-store";
        return TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(export, ExportJson), "application/json", $"customer-{id}.json");
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Erase(
        Guid id, ClaimsPrincipal user, IdentityDbContext db, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (customer is null) return TypedResults.NotFound();
            if (customer.ErasedAt is not null) return TypedResults.NoContent();
            if (customer.MergedIntoId is { } survivor)
            {
                // Its identities and its person now live on in the survivor: erasing only this record would erase nothing.
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                    detail: $"Customer {id} is merged into customer {survivor}: erase that customer (which erases this one too), or undo the merge first.");
            }

            var now = clock.GetUtcNow();
            var group = await WithMergedIntoAsync(db.Customers.Include(c => c.Identities), customer, cancellationToken);
            var ids = group.Select(c => c.Id).ToList();
            foreach (var erased in group.Where(c => c.ErasedAt is null))
            {
                db.Identities.RemoveRange(erased.Identities);
                erased.DisplayName = null;
                erased.PreferredLanguage = null;
                erased.VipTier = null;
                erased.Attributes = [];
                erased.ErasedAt = now;
                db.Enqueue(new CustomerErasureRequested(erased.Id, now), clock);
            }

            foreach (var merge in await db.Merges.Where(m => ids.Contains(m.SurvivorId) || ids.Contains(m.MergedId)).ToListAsync(cancellationToken))
            {
                var entry = db.Entry(merge);
                if (ids.Contains(merge.SurvivorId)) entry.Property(m => m.SurvivorBefore).CurrentValue = ProfileSnapshot.Erased;
                if (ids.Contains(merge.MergedId)) entry.Property(m => m.MergedBefore).CurrentValue = ProfileSnapshot.Erased;
            }

            var open = await db.MergeSuggestions
                .Where(s => s.Status == SuggestionStatus.Open && (ids.Contains(s.CustomerId) || ids.Contains(s.OtherCustomerId)))
                .ToListAsync(cancellationToken);
            foreach (var suggestion in open)
            {
                suggestion.Status = SuggestionStatus.Dismissed;
                suggestion.DecidedAt = now;
                suggestion.DecidedBy = user.AgentId();
            }

            // Codes hold the addresses they were sent to.
            db.VerificationCodes.RemoveRange(await db.VerificationCodes.Where(v => ids.Contains(v.CustomerId)).ToListAsync(cancellationToken));

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                loggers.CreateLogger(typeof(PrivacyApi)).LogInformation("Erased customer {CustomerId} and {Merged} customers merged into them", id, group.Count - 1);
                return TypedResults.NoContent();
            }
            catch (DbUpdateConcurrencyException) when (attempt < EraseAttempts)
            {
                // A merge or undo touched one of them meanwhile: look again at what there is to erase now.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                    detail: $"Customer {id} keeps being changed by merges; try the erasure again.");
            }
        }
    }

    /// <summary>The customer followed by every customer merged into them, directly or through another merged customer.</summary>
    private static async Task<List<Customer>> WithMergedIntoAsync(IQueryable<Customer> customers, Customer customer, CancellationToken cancellationToken)
    {
        var group = new List<Customer> { customer };
        var frontier = new List<Guid> { customer.Id };
        while (frontier.Count > 0)
        {
            var next = await customers.Where(c => c.MergedIntoId != null && frontier.Contains(c.MergedIntoId.Value)).ToListAsync(cancellationToken);
            next.RemoveAll(c => group.Any(g => g.Id == c.Id));
            group.AddRange(next);
            frontier = next.Select(c => c.Id).ToList();
        }
        return group;
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static ExportedProfile Profile(Customer c) =>
        new(c.Id, c.DisplayName, c.PreferredLanguage, c.VipTier, c.Attributes, c.CreatedAt, c.LastSeenAt, c.MergedIntoId, c.ErasedAt);
}
