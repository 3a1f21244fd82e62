using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Authentication;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Queues;

namespace Omni.Routing.Desk;

/// <summary>One queue now, as a supervisor watches it.</summary>
public sealed record QueueSnapshot(
    Guid QueueId, string Name, bool OpenNow, int Waiting, int Offered, int LongestWaitSeconds, int SlaAtRisk, int SlaBreached,
    int Handling, AgentsByState Agents);

/// <summary>Agents who can take the queue's work (they have every required skill), by state; busy = online but full.</summary>
public sealed record AgentsByState(int Online, int Busy, int Away, int Offline);

/// <summary>
/// The supervisors' view of the queues: served over HTTP and pushed over the hub every few seconds while any
/// supervisor is connected (pushing is cheap when nobody listens, but the query is not, so it runs only when asked
/// or on the interval).
/// </summary>
public sealed class SupervisorFeed(IServiceScopeFactory scopes, PresenceStore presence, DeskNotifier desk, IOptions<RoutingOptions> options, TimeProvider clock, ILogger<SupervisorFeed> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (SupervisorsConnected <= 0) continue;
                using (OpenTelemetry.SuppressInstrumentationScope.Begin())
                {
                    await desk.QueuesAsync(await SnapshotAsync(stoppingToken));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Supervisor snapshot failed; next tick tries again");
            }
        }
    }

    /// <summary>Supervisor connections on this instance (kept by the hub).</summary>
    public static int SupervisorsConnected;

    public async Task<IReadOnlyList<QueueSnapshot>> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var now = clock.GetUtcNow();
        var queues = await db.Queues.AsNoTracking().OrderByDescending(q => q.Priority).ThenBy(q => q.Name).ToListAsync(cancellationToken);
        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.QueueId != null && (c.State == ConversationState.Queued || c.State == ConversationState.Assigned || c.State == ConversationState.WaitingOnCustomer))
            .Select(c => new { c.QueueId, c.State, c.QueuedAt, c.OfferedAgentId, c.FirstResponseAt, c.FirstResponseDueAt })
            .ToListAsync(cancellationToken);
        var agents = await db.Agents.AsNoTracking().Where(a => !a.Disabled).ToListAsync(cancellationToken);
        var loads = await AgentLoads.AllAsync(db, cancellationToken);
        var live = await presence.AllAsync();
        var share = options.Value.SlaAtRiskShare;

        return [.. queues.Select(queue =>
        {
            var mine = open.Where(c => c.QueueId == queue.Id).ToList();
            var waiting = mine.Where(c => c.State == ConversationState.Queued).ToList();
            var unanswered = mine.Where(c => c.FirstResponseAt is null && c.FirstResponseDueAt is not null).ToList();
            var atRiskFrom = TimeSpan.FromSeconds(queue.FirstResponseTargetSeconds * share);
            var able = agents.Where(a => queue.RequiredSkills.All(r => a.Skills.TryGetValue(r.Key, out var level) && level >= 1)).ToList();
            string StateOf(RoutingAgent a) => live.TryGetValue(a.Id, out var p) ? p.State : PresenceStates.Offline;
            var online = able.Where(a => StateOf(a) == PresenceStates.Online).ToList();
            return new QueueSnapshot(
                queue.Id, queue.Name, new BusinessCalendar(queue.Hours).IsOpen(now),
                waiting.Count,
                waiting.Count(c => c.OfferedAgentId != null),
                waiting.Count == 0 ? 0 : (int)(now - waiting.Min(c => c.QueuedAt ?? now)).TotalSeconds,
                unanswered.Count(c => c.FirstResponseDueAt >= now && c.FirstResponseDueAt - now <= atRiskFrom),
                unanswered.Count(c => c.FirstResponseDueAt < now),
                mine.Count - waiting.Count,
                new AgentsByState(
                    online.Count(a => loads.GetValueOrDefault(a.Id) < a.Capacity),
                    online.Count(a => loads.GetValueOrDefault(a.Id) >= a.Capacity),
                    able.Count(a => StateOf(a) == PresenceStates.Away),
                    able.Count(a => StateOf(a) == PresenceStates.Offline)));
        })];
    }
}

public static class SupervisorApi
{
    public static IEndpointRouteBuilder MapSupervisorApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/supervisor/queues", async (SupervisorFeed feed, CancellationToken cancellationToken) =>
                TypedResults.Ok(await feed.SnapshotAsync(cancellationToken)))
            .WithTags("Supervisor")
            .WithName("SupervisorQueues")
            .WithSummary("Every queue now: waiting, offered, longest wait, SLA at risk and breached, agents able to take it by state.")
            .RequireAuthorization(OmniPolicies.Supervisor);
        return app;
    }
}
