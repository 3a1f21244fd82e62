using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Identity.Data;

namespace Omni.Identity.Agents;

public sealed record SignInRequest(string? Email, string? Password);

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public static class SignInApi
{
    public const string FailedTitle = "Sign-in failed";

    // One answer for an unknown address, a wrong password and a disabled account: it tells an attacker nothing.
    public const string FailedDetail = "The e-mail address and password do not match an active agent account.";

    // Verified when the address is unknown, so that answer takes as long as a wrong password does.
    private static readonly Agent Nobody = new() { Name = "", Email = "", PasswordHash = "" };
    private static readonly Lazy<string> NobodysHash = new(() =>
        new PasswordHasher<Agent>().HashPassword(Nobody, RandomNumberGenerator.GetHexString(32)));

    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/token", SignIn)
            .AllowAnonymous()
            .WithTags("Signing in")
            .WithName("SignIn")
            .WithSummary("An agent's access token (JWT, ES256, 8 hours) for an e-mail address and password.");

        app.MapGet("/.well-known/jwks.json", (AgentTokens tokens) => TypedResults.Json(tokens.JsonWebKeySet))
            .AllowAnonymous()
            .WithTags("Signing in")
            .WithName("GetSigningKeys")
            .WithSummary("The public key that agents' access tokens are signed with (JWKS).");
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> SignIn(
        SignInRequest? request, IdentityDbContext db, IPasswordHasher<Agent> hasher, AgentTokens tokens, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Email)) errors["email"] = ["Required."];
        if (string.IsNullOrEmpty(request?.Password)) errors["password"] = ["Required."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (!tokens.CanSign)
        {
            return TypedResults.Problem(title: "Sign-in is not available",
                detail: "Identity has no signing key (Identity:SigningKey).", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var email = AgentEmail.Normalize(request!.Email!);
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Email == email, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(agent ?? Nobody, agent?.PasswordHash ?? NobodysHash.Value, request.Password!);
        if (agent is null || verdict == PasswordVerificationResult.Failed || agent.DisabledAt is not null)
        {
            return TypedResults.Problem(title: FailedTitle, detail: FailedDetail, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // Stored under older hashing parameters: upgrade while the password is at hand.
            agent.PasswordHash = hasher.HashPassword(agent, request.Password!);
            await db.SaveChangesAsync(cancellationToken);
        }

        var token = tokens.Issue(agent);
        return TypedResults.Ok(new TokenResponse(token.Value, "Bearer", (int)OmniTokens.Lifetime.TotalSeconds));
    }
}

public static class AgentEmail
{
    /// <summary>Trimmed and lower-cased: one way to write an agent's address.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
