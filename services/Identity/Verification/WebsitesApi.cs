using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Authentication;
using Omni.Identity.Data;

namespace Omni.Identity.Verification;

public sealed record WebsiteRequest(string? Site);

/// <summary>A website's secret: shown once, when created or rotated.</summary>
public sealed record WebsiteSecretShown(string Site, string Secret, DateTimeOffset CreatedAt);

public sealed record WebsiteDto(string Site, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>Secrets that websites use to vouch for their logged-in users (see <see cref="WebsiteVerification"/>).</summary>
public static class WebsitesApi
{
    public static IEndpointRouteBuilder MapWebsitesApi(this IEndpointRouteBuilder app)
    {
        var websites = app.MapGroup("/api/v1/websites").WithTags("Websites").RequireAuthorization(OmniPolicies.Admin);
        websites.MapPost("/", Create).WithName("CreateWebsite")
            .WithSummary("Registers a website for verified chat logins; answers its HMAC secret once.");
        websites.MapPost("/{site}/rotate", Rotate).WithName("RotateWebsiteSecret")
            .WithSummary("Replaces a website's secret; the old one stops working at once. Answers the new secret once.");
        websites.MapGet("/", List).WithName("ListWebsites").WithSummary("Registered websites, without secrets.");
        websites.MapDelete("/{site}", Revoke).WithName("RevokeWebsite").WithSummary("Stops accepting a website's login proofs.");
        return app;
    }

    private static async Task<Results<Created<WebsiteSecretShown>, ValidationProblem, ProblemHttpResult>> Create(
        WebsiteRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var site = request.Site?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(site) || site.Length > 100 || !site.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["site"] = ["1–100 letters, digits, dots or dashes."] });
        }
        var website = new WebsiteSecret { Id = Guid.CreateVersion7(), Site = site, Secret = NewSecret(), CreatedAt = clock.GetUtcNow() };
        db.WebsiteSecrets.Add(website);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(title: "Website exists", detail: "Rotate its secret instead.", statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Created($"/api/v1/websites/{site}", new WebsiteSecretShown(site, website.Secret, website.CreatedAt));
    }

    private static async Task<Results<Ok<WebsiteSecretShown>, NotFound>> Rotate(string site, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var website = await db.WebsiteSecrets.FirstOrDefaultAsync(w => w.Site == site, cancellationToken);
        if (website is null) return TypedResults.NotFound();
        website.Secret = NewSecret();
        website.RevokedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new WebsiteSecretShown(site, website.Secret, clock.GetUtcNow()));
    }

    private static async Task<Ok<WebsiteDto[]>> List(IdentityDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.WebsiteSecrets.AsNoTracking().OrderBy(w => w.Site)
            .Select(w => new WebsiteDto(w.Site, w.CreatedAt, w.RevokedAt != null)).ToArrayAsync(cancellationToken));

    private static async Task<Results<NoContent, NotFound>> Revoke(string site, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var website = await db.WebsiteSecrets.FirstOrDefaultAsync(w => w.Site == site, cancellationToken);
        if (website is null) return TypedResults.NotFound();
        website.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
