using Microsoft.EntityFrameworkCore;
using Omni.Routing.Conversations;
using Omni.Routing.Data;

namespace Omni.Routing.Agents;

/// <summary>
/// What agents carry now, counted from the conversations themselves (offers held and conversations handled), so the
/// count can never drift from the truth. Changes that add load take <see cref="LockAsync"/> first.
/// </summary>
public static class AgentLoads
{
    // Any fixed number: the key of the one lock under which load is added (by the router or a transfer to an agent).
    private const long LoadLockKey = 0x0_4F4D_4E49_5254; // "OMNIRT"

    /// <summary>Takes the load lock until the transaction ends: two routers, or a router and a transfer, cannot both fill one agent's last place.</summary>
    public static Task LockAsync(RoutingDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({LoadLockKey})", cancellationToken);

    /// <summary>Like <see cref="LockAsync"/> without waiting: false when another router holds it (it is routing now).</summary>
    public static async Task<bool> TryLockAsync(RoutingDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({LoadLockKey}) AS \"Value\"").SingleAsync(cancellationToken);

    public static IQueryable<Conversation> Carried(RoutingDbContext db) => db.Conversations.Where(c =>
        ((c.State == ConversationState.Assigned || c.State == ConversationState.WaitingOnCustomer) && c.AgentId != null) ||
        (c.State == ConversationState.Queued && c.OfferedAgentId != null));

    public static async Task<int> OfAsync(RoutingDbContext db, Guid agentId, CancellationToken cancellationToken) =>
        await Carried(db).Where(c => c.AgentId == agentId || c.OfferedAgentId == agentId).SumAsync(c => c.Units, cancellationToken);

    public static async Task<Dictionary<Guid, int>> AllAsync(RoutingDbContext db, CancellationToken cancellationToken)
    {
        var rows = await Carried(db)
            .GroupBy(c => c.State == ConversationState.Queued ? c.OfferedAgentId : c.AgentId)
            .Select(g => new { AgentId = g.Key, Units = g.Sum(c => c.Units) })
            .ToListAsync(cancellationToken);
        return rows.Where(r => r.AgentId is not null).ToDictionary(r => r.AgentId!.Value, r => r.Units);
    }
}
