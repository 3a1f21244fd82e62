using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Routing.Assignment;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Desk;
using Omni.Routing.Queues;

namespace Omni.Routing.Agents;

public sealed record SkillsRequest(Dictionary<string, int>? Skills, int? Capacity);

public sealed record SkillsDto(Guid AgentId, string Name, IReadOnlyDictionary<string, int> Skills, int Capacity);

public sealed record PresenceRequest(string? State);

public sealed record WorkItemDto(Guid ConversationId, Guid CustomerId, string State, string Channel, int Units, DateTimeOffset? Since);

public sealed record WorkloadDto(
    Guid AgentId, string Name, string Presence, int Load, int Capacity, IReadOnlyList<WorkItemDto> Conversations, IReadOnlyList<WorkItemDto> Offers);

/// <summary>Routing's side of agents: skills and capacity (supervisors set them), presence (each agent sets their own), workload.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/v1/agents").WithTags("Agents").RequireAuthorization(OmniPolicies.Agent);
        agents.MapGet("/{id:guid}/skills", GetSkills).WithName("GetAgentSkills").WithSummary("An agent's skills (levels 1–10) and capacity.");
        agents.MapPut("/{id:guid}/skills", SetSkills).WithName("SetAgentSkills").RequireAuthorization(OmniPolicies.Supervisor)
            .WithSummary("Sets an agent's skills (name → level 1–10) and capacity units; 400 for a level out of range.");
        agents.MapGet("/{id:guid}/workload", GetWorkload).WithName("GetAgentWorkload")
            .WithSummary("What an agent carries now: presence, units in use of their capacity, conversations and offers.");

        var presence = app.MapGroup("/api/v1/presence").WithTags("Presence").RequireAuthorization(OmniPolicies.Agent);
        presence.MapGet("/", ListPresence).WithName("ListPresence").RequireAuthorization(OmniPolicies.Supervisor)
            .WithSummary("Every agent's presence (online, away, offline) and load.");
        presence.MapPut("/", SetPresence).WithName("SetPresence")
            .WithSummary($"Sets the signed-in agent's presence: online, away or offline. It lapses to offline unless the desk beats its heart (POST heartbeat, or the hub) within {PresenceStore.HeartbeatTimeout.TotalSeconds:0} s.");
        presence.MapPost("/heartbeat", Heartbeat).WithName("PresenceHeartbeat")
            .WithSummary("Keeps the signed-in agent's presence alive; answers the state it holds.");
        return app;
    }

    private static async Task<Results<Ok<SkillsDto>, ProblemHttpResult>> GetSkills(Guid id, RoutingDbContext db, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return agent is null ? AgentNotFound() : TypedResults.Ok(new SkillsDto(agent.Id, agent.Name, agent.Skills, agent.Capacity));
    }

    private static async Task<Results<Ok<SkillsDto>, ValidationProblem, ProblemHttpResult>> SetSkills(
        Guid id, SkillsRequest request, RoutingDbContext db, RouterSignal router, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var skills = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (request.Skills is null) errors["skills"] = ["Required: skill name → level 1–10 (an empty object clears them)."];
        foreach (var (skill, level) in request.Skills ?? [])
        {
            if (string.IsNullOrWhiteSpace(skill) || skill.Length > 64) errors["skills"] = ["Skill names: 1–64 characters."];
            else if (!SkillLevels.IsValid(level)) errors[$"skills.{skill}"] = [$"Level {level} is not valid: levels run from {SkillLevels.Min} to {SkillLevels.Max}."];
            else skills[skill.Trim().ToLowerInvariant()] = level;
        }
        if (request.Capacity is < 1 or > 1000) errors["capacity"] = ["1–1000 units (a voice call takes 100)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (agent is null) return AgentNotFound();
        agent.Skills = skills;
        agent.Capacity = request.Capacity ?? agent.Capacity;
        // UpdatedAt stays: it orders identity's events about the account, which skills are not part of.
        await db.SaveChangesAsync(cancellationToken);
        router.Notify();
        return TypedResults.Ok(new SkillsDto(agent.Id, agent.Name, agent.Skills, agent.Capacity));
    }

    private static async Task<Results<Ok<WorkloadDto>, ProblemHttpResult>> GetWorkload(
        Guid id, RoutingDbContext db, PresenceStore presence, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (agent is null) return AgentNotFound();
        return TypedResults.Ok(await WorkloadAsync(db, presence, agent, cancellationToken));
    }

    internal static async Task<WorkloadDto> WorkloadAsync(RoutingDbContext db, PresenceStore presence, RoutingAgent agent, CancellationToken cancellationToken)
    {
        var carried = await AgentLoads.Carried(db).AsNoTracking()
            .Where(c => c.AgentId == agent.Id || c.OfferedAgentId == agent.Id)
            .OrderBy(c => c.AssignedAt ?? c.QueuedAt)
            .ToListAsync(cancellationToken);
        var handled = carried.Where(c => c.State != ConversationState.Queued)
            .Select(c => new WorkItemDto(c.Id, c.CustomerId, c.State, c.LastChannel, c.Units, c.AssignedAt)).ToList();
        var offers = carried.Where(c => c.State == ConversationState.Queued)
            .Select(c => new WorkItemDto(c.Id, c.CustomerId, c.State, c.LastChannel, c.Units, c.QueuedAt)).ToList();
        var state = agent.Disabled ? PresenceStates.Offline : (await presence.GetAsync(agent.Id)).State;
        return new WorkloadDto(agent.Id, agent.Name, state, carried.Sum(c => c.Units), agent.Capacity, handled, offers);
    }

    private static async Task<Ok<WorkloadDto[]>> ListPresence(RoutingDbContext db, PresenceStore presence, CancellationToken cancellationToken)
    {
        var agents = await db.Agents.AsNoTracking().Where(a => !a.Disabled).OrderBy(a => a.Name).ToListAsync(cancellationToken);
        var loads = await AgentLoads.AllAsync(db, cancellationToken);
        var live = await presence.AllAsync();
        return TypedResults.Ok(agents.Select(a => new WorkloadDto(
            a.Id, a.Name, live.TryGetValue(a.Id, out var p) ? p.State : PresenceStates.Offline, loads.GetValueOrDefault(a.Id), a.Capacity, [], [])).ToArray());
    }

    private static async Task<IResult> SetPresence(PresenceRequest request, ClaimsPrincipal user, DeskActions actions, RoutingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await EnsureKnownAsync(db, user, clock, cancellationToken);
        return (await actions.SetPresenceAsync(AgentIdOf(user), request.State, cancellationToken)).ToHttp();
    }

    private static async Task<Ok<AgentPresence>> Heartbeat(ClaimsPrincipal user, PresenceStore presence)
    {
        var id = AgentIdOf(user);
        await presence.HeartbeatAsync(id);
        return TypedResults.Ok(await presence.GetAsync(id));
    }

    public static Guid AgentIdOf(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(OmniTokens.Claims.Subject)!);

    /// <summary>
    /// A signed-in agent routing has not heard of yet (identity's event still on its way) is added from their token:
    /// identity signed it, so the account exists.
    /// </summary>
    internal static async Task EnsureKnownAsync(RoutingDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var id = AgentIdOf(user);
        if (await db.Agents.AnyAsync(a => a.Id == id, cancellationToken)) return;
        var now = clock.GetUtcNow();
        // Nothing of identity's applied yet: any AgentChanged about the account (a disabling, say) still counts.
        db.Agents.Add(new RoutingAgent { Id = id, Name = user.FindFirstValue(OmniTokens.Claims.Name) ?? "Agent", IdleSince = now, UpdatedAt = DateTimeOffset.UnixEpoch });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // added meanwhile by the event or the directory sync
        }
    }

    internal static ProblemHttpResult AgentNotFound() => TypedResults.Problem(title: "Agent not found", statusCode: StatusCodes.Status404NotFound);
}
