using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Authentication;
using Omni.Identity.Data;

namespace Omni.Identity.Partners;

public sealed record CreatePartnerKeyRequest(string? Partner, string[]? Scopes);

/// <summary>A new key: <see cref="Key"/> is shown this once and never again.</summary>
public sealed record CreatedPartnerKeyDto(Guid Id, string Partner, IReadOnlyList<string> Scopes, string Key, DateTimeOffset CreatedAt);

/// <summary>A key as listed: its public prefix, never its secret.</summary>
public sealed record PartnerKeyDto(
    Guid Id, string Partner, IReadOnlyList<string> Scopes, string Prefix, DateTimeOffset CreatedAt, Guid? CreatedBy,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public static partial class PartnerKeysApi
{
    public static IEndpointRouteBuilder MapPartnerKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/partners/keys").WithTags("Partner keys").RequireAuthorization(OmniPolicies.Admin);

        keys.MapPost("/", CreateKey)
            .WithName("CreatePartnerKey")
            .WithSummary("Issues an API key for a partner's system with the given scopes; the key is in this answer only.");

        keys.MapGet("/", ListKeys)
            .WithName("ListPartnerKeys")
            .WithSummary("Every partner key (prefix, scopes, last use, revoked?) without its secret.");

        keys.MapDelete("/{id:guid}", RevokeKey)
            .WithName("RevokePartnerKey")
            .WithSummary("Revokes a key; the gateway stops accepting it within 30 seconds.");

        return app;
    }

    private static async Task<Results<Created<CreatedPartnerKeyDto>, ValidationProblem>> CreateKey(
        CreatePartnerKeyRequest? request, ClaimsPrincipal user, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var partner = request?.Partner?.Trim();
        if (string.IsNullOrEmpty(partner) || partner.Length > 100) errors["partner"] = ["Required; at most 100 characters."];
        var scopes = request?.Scopes?.Select(s => s?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (scopes.Count == 0 || !scopes.All(s => ScopePattern().IsMatch(s)))
        {
            errors["scopes"] = ["At least one; each lower-case letters, digits and . : _ - (for example messages:write)."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        while (true)
        {
            var (key, prefix, secretHash) = PartnerKeySecret.Generate();
            var row = new PartnerKey
            {
                Id = Guid.CreateVersion7(),
                Partner = partner!,
                Prefix = prefix,
                SecretHash = secretHash,
                Scopes = scopes,
                CreatedAt = clock.GetUtcNow(),
                CreatedBy = Guid.TryParse(user.FindFirstValue(OmniTokens.Claims.Subject), out var agentId) ? agentId : null,
            };
            db.PartnerKeys.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Created($"/api/v1/partners/keys/{row.Id}", new CreatedPartnerKeyDto(row.Id, row.Partner, row.Scopes, key, row.CreatedAt));
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                db.ChangeTracker.Clear(); // the random prefix exists already (rare): draw another
            }
        }
    }

    private static async Task<Ok<PartnerKeyDto[]>> ListKeys(IdentityDbContext db, CancellationToken cancellationToken)
    {
        var keys = await db.PartnerKeys.AsNoTracking()
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new PartnerKeyDto(k.Id, k.Partner, k.Scopes, k.Prefix, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(keys);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKey(Guid id, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var key = await db.PartnerKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null) return TypedResults.NotFound();
        // Revoking twice is fine and keeps the first time.
        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.:_-]{0,63}$")]
    private static partial Regex ScopePattern();
}
