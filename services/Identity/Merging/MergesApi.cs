using Omni.Authentication;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Identity.Data;

namespace Omni.Identity.Merging;

public sealed record MergeRequest(Guid? SurvivorId, Guid? MergedId, string? Reason, Guid? SuggestionId);

public sealed record UndoMergeRequest(string? Reason);

public sealed record MergeDto(
    Guid Id, Guid SurvivorId, Guid MergedId, Guid? MergedBy, DateTimeOffset MergedAt, string Reason,
    IReadOnlyList<Guid> MovedIdentityIds, DateTimeOffset? UndoneAt, Guid? UndoneBy, string? UndoReason)
{
    public static MergeDto From(Merge m) =>
        new(m.Id, m.SurvivorId, m.MergedId, m.MergedBy, m.MergedAt, m.Reason, m.MovedIdentityIds, m.UndoneAt, m.UndoneBy, m.UndoReason);
}

public sealed record MergeSuggestionDto(
    Guid Id, Guid CustomerId, Guid OtherCustomerId, string Evidence, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, Guid? DecidedBy)
{
    public static MergeSuggestionDto From(MergeSuggestion s) =>
        new(s.Id, s.CustomerId, s.OtherCustomerId, s.Evidence, MergeService.Wire(s.Status), s.CreatedAt, s.DecidedAt, s.DecidedBy);
}

public static class MergesApi
{
    private const int MaxSuggestions = 500;

    /// <summary>Audited, reversible merges of customers and the look-alike suggestions agents decide on.</summary>
    public static IEndpointRouteBuilder MapMergesApi(this IEndpointRouteBuilder app)
    {
        var merges = app.MapGroup("/api/v1/merges").WithTags("Merges").RequireAuthorization(OmniPolicies.Agent);

        merges.MapPost("/", MergeCustomers)
            .WithName("MergeCustomers")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Merges one customer into a survivor the agent chose: identities move, missing profile fields are filled, " +
                         "the merge is recorded for audit and undo. suggestionId marks the suggestion it accepts.");

        merges.MapPost("/{id:guid}/undo", UndoMerge)
            .WithName("UndoMerge")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Undoes a merge exactly: both profiles as they were, the moved identities back to the merged customer.");

        merges.MapGet("/", ListMerges)
            .WithName("ListMerges")
            .WithSummary("The merge audit trail of a customer (as survivor or merged): who, when, why, and any undo.");

        merges.MapGet("/{id:guid}", GetMerge)
            .WithName("GetMerge")
            .WithSummary("One merge with its audit details.");

        merges.MapGet("/suggestions", ListSuggestions)
            .WithName("ListMergeSuggestions")
            .WithSummary("Customers that look like one person (look-alike addresses, codes proving another's address), newest first; " +
                         "filter by status (open, merged, dismissed) and customerId.");

        merges.MapGet("/suggestions/{id:guid}", GetSuggestion)
            .WithName("GetMergeSuggestion")
            .WithSummary("One merge suggestion.");

        merges.MapPost("/suggestions/{id:guid}/dismiss", DismissSuggestion)
            .WithName("DismissMergeSuggestion")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("An agent decided the two are not one person; the suggestion is closed.");

        return app;
    }

    private static async Task<Results<Ok<MergeDto>, ValidationProblem, ProblemHttpResult>> MergeCustomers(
        MergeRequest request, ClaimsPrincipal user, MergeService merges, CancellationToken cancellationToken) =>
        ToResult(await merges.MergeAsync(request.SurvivorId, request.MergedId, request.Reason, request.SuggestionId, user.AgentId(), cancellationToken));

    private static async Task<Results<Ok<MergeDto>, ValidationProblem, ProblemHttpResult>> UndoMerge(
        Guid id, UndoMergeRequest request, ClaimsPrincipal user, MergeService merges, CancellationToken cancellationToken) =>
        ToResult(await merges.UndoAsync(id, request.Reason, user.AgentId(), cancellationToken));

    private static async Task<Results<Ok<MergeDto[]>, ValidationProblem>> ListMerges(
        Guid? customerId, IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (customerId is not { } id || id == Guid.Empty)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = ["Required."] });
        }
        var found = await db.Merges.AsNoTracking()
            .Where(m => m.SurvivorId == id || m.MergedId == id)
            .OrderBy(m => m.MergedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(found.Select(MergeDto.From).ToArray());
    }

    private static async Task<Results<Ok<MergeDto>, NotFound>> GetMerge(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var merge = await db.Merges.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        return merge is null ? TypedResults.NotFound() : TypedResults.Ok(MergeDto.From(merge));
    }

    private static async Task<Results<Ok<MergeSuggestionDto[]>, ValidationProblem>> ListSuggestions(
        string? status, Guid? customerId, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var query = db.MergeSuggestions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var wanted = Enum.GetValues<SuggestionStatus>().Cast<SuggestionStatus?>()
                .FirstOrDefault(s => MergeService.Wire(s!.Value).Equals(status.Trim(), StringComparison.OrdinalIgnoreCase));
            if (wanted is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of: open, merged, dismissed."] });
            }
            var value = wanted.Value;
            query = query.Where(s => s.Status == value);
        }
        if (customerId is { } id) query = query.Where(s => s.CustomerId == id || s.OtherCustomerId == id);

        var found = await query.OrderByDescending(s => s.CreatedAt).Take(MaxSuggestions).ToListAsync(cancellationToken);
        return TypedResults.Ok(found.Select(MergeSuggestionDto.From).ToArray());
    }

    private static async Task<Results<Ok<MergeSuggestionDto>, NotFound>> GetSuggestion(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var suggestion = await db.MergeSuggestions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return suggestion is null ? TypedResults.NotFound() : TypedResults.Ok(MergeSuggestionDto.From(suggestion));
    }

    private static async Task<Results<Ok<MergeSuggestionDto>, ProblemHttpResult>> DismissSuggestion(
        Guid id, ClaimsPrincipal user, MergeService merges, CancellationToken cancellationToken) =>
        await merges.DismissSuggestionAsync(id, user.AgentId(), cancellationToken) switch
        {
            MergeOutcome.Decided d => TypedResults.Ok(MergeSuggestionDto.From(d.Suggestion)),
            MergeOutcome.Conflict c => Problem(StatusCodes.Status409Conflict, "Conflict", c.Detail),
            var other => Problem(StatusCodes.Status404NotFound, "Not found", (other as MergeOutcome.NotFound)?.Detail),
        };

    private static Results<Ok<MergeDto>, ValidationProblem, ProblemHttpResult> ToResult(MergeOutcome outcome) =>
        outcome switch
        {
            MergeOutcome.Done d => TypedResults.Ok(MergeDto.From(d.Merge)),
            MergeOutcome.Invalid i => TypedResults.ValidationProblem(i.Errors),
            MergeOutcome.NotFound n => Problem(StatusCodes.Status404NotFound, "Not found", n.Detail),
            MergeOutcome.Conflict c => Problem(StatusCodes.Status409Conflict, "Conflict", c.Detail),
            _ => throw new InvalidOperationException($"Unexpected outcome {outcome.GetType().Name}"),
        };

    private static ProblemHttpResult Problem(int status, string title, string? detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
