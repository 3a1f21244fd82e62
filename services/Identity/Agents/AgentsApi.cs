using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Authentication;
using Omni.Contracts.Identity;
using Omni.Identity.Data;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Agents;

public sealed record CreateAgentRequest(string? Name, string? Email, string? Password, string[]? Roles);

/// <summary>A change to an agent: new roles, disabled or enabled again; what is left out stays as it is.</summary>
public sealed record UpdateAgentRequest(string[]? Roles, bool? Disabled);

public sealed record AgentDto(Guid Id, string Name, string Email, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

public static class AgentsApi
{
    public const int MinPasswordLength = 12;

    // PBKDF2 of a megabyte-long "password" is a cheap way to keep a server busy.
    public const int MaxPasswordLength = 1024;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/v1/agents").WithTags("Agents").RequireAuthorization(OmniPolicies.Admin);

        agents.MapPost("/", CreateAgent)
            .WithName("CreateAgent")
            .WithSummary("Creates an agent account (admin): name, e-mail address (unique), password (12+ characters), roles.");

        agents.MapGet("/", ListAgents)
            .WithName("ListAgents")
            .WithSummary("Every agent account, disabled ones included.");

        agents.MapGet("/{id:guid}", GetAgent)
            .WithName("GetAgent")
            .WithSummary("One agent account.");

        agents.MapPatch("/{id:guid}", UpdateAgent)
            .WithName("UpdateAgent")
            .WithSummary("Changes an agent's roles, or disables (and re-enables) the account.");

        return app;
    }

    private static async Task<Results<Created<AgentDto>, ValidationProblem, ProblemHttpResult>> CreateAgent(
        CreateAgentRequest? request, IdentityDbContext db, IPasswordHasher<Agent> hasher, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) errors["name"] = ["Required; at most 200 characters."];
        var email = request?.Email is { } given ? AgentEmail.Normalize(given) : "";
        if (!IsEmailAddress(email)) errors["email"] = ["Required; an e-mail address of the form name@domain."];
        var password = request?.Password ?? "";
        if (password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            errors["password"] = [$"Required; {MinPasswordLength} to {MaxPasswordLength} characters."];
        }
        if (!TryReadRoles(request?.Roles, out var roles, out var rolesError)) errors["roles"] = [rolesError];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (await db.Agents.AnyAsync(a => a.Email == email, cancellationToken)) return EmailTaken();

        var now = clock.GetUtcNow();
        var agent = new Agent { Id = Guid.CreateVersion7(), Name = name!, Email = email, PasswordHash = "", Roles = roles, CreatedAt = now };
        agent.PasswordHash = hasher.HashPassword(agent, password);
        db.Agents.Add(agent);
        db.Enqueue(Changed(agent, now), clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return EmailTaken(); // created by a concurrent request a moment ago
        }
        return TypedResults.Created($"/api/v1/agents/{agent.Id}", ToDto(agent));
    }

    private static async Task<Ok<AgentDto[]>> ListAgents(IdentityDbContext db, CancellationToken cancellationToken)
    {
        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.Email).ToListAsync(cancellationToken);
        return TypedResults.Ok(agents.Select(ToDto).ToArray());
    }

    private static async Task<Results<Ok<AgentDto>, NotFound>> GetAgent(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return agent is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(agent));
    }

    private static async Task<Results<Ok<AgentDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAgent(
        Guid id, UpdateAgentRequest? request, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        List<string>? roles = null;
        if (request?.Roles is not null && !TryReadRoles(request.Roles, out roles, out var rolesError))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = [rolesError] });
        }
        if (roles is null && request?.Disabled is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Give roles, disabled, or both."] });
        }

        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (agent is null) return TypedResults.NotFound();

        var now = clock.GetUtcNow();
        var wasActiveAdmin = agent.DisabledAt is null && agent.Roles.Contains(AgentRoles.Admin);
        if (roles is not null) agent.Roles = roles;
        if (request!.Disabled is { } disabled) agent.DisabledAt = disabled ? agent.DisabledAt ?? now : null;
        var isActiveAdmin = agent.DisabledAt is null && agent.Roles.Contains(AgentRoles.Admin);
        if (wasActiveAdmin && !isActiveAdmin && !await OtherActiveAdminExistsAsync(db, agent.Id, cancellationToken))
        {
            return TypedResults.Problem(title: "The last admin stays",
                detail: "This is the only active admin; make another agent admin first.", statusCode: StatusCodes.Status409Conflict);
        }

        db.Enqueue(Changed(agent, now), clock);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToDto(agent));
    }

    private static Task<bool> OtherActiveAdminExistsAsync(IdentityDbContext db, Guid agentId, CancellationToken cancellationToken) =>
        db.Agents.AnyAsync(a => a.Id != agentId && a.DisabledAt == null && a.Roles.Contains(AgentRoles.Admin), cancellationToken);

    private static bool TryReadRoles(string[]? given, out List<string> roles, out string error)
    {
        roles = given?.Select(r => r?.Trim().ToLowerInvariant() ?? "").Distinct().ToList() ?? [];
        error = $"At least one of: {string.Join(", ", AgentRoles.All)}.";
        return roles.Count > 0 && roles.All(AgentRoles.All.Contains);
    }

    private static bool IsEmailAddress(string email) =>
        email.Length is > 0 and <= 320 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('@');

    private static ProblemHttpResult EmailTaken() => TypedResults.Problem(
        title: "E-mail address in use", detail: "An agent with this e-mail address exists.", statusCode: StatusCodes.Status409Conflict);

    internal static AgentChanged Changed(Agent agent, DateTimeOffset at) => new(agent.Id, agent.Name, agent.Roles.ToList(), agent.DisabledAt is not null, at);

    private static AgentDto ToDto(Agent agent) =>
        new(agent.Id, agent.Name, agent.Email, agent.Roles, agent.DisabledAt is not null, agent.CreatedAt, agent.DisabledAt);
}
