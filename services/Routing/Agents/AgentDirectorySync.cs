using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Identity.Grpc;
using Omni.Routing.Data;

namespace Omni.Routing.Agents;

/// <summary>
/// Catches routing's copy of agents up with identity at start and every few minutes. <c>AgentChanged</c> keeps it
/// current between times; this covers what no event told (agents created before routing's queue existed, an event
/// lost to an operator's purge). Identity being away only delays it.
/// </summary>
public sealed class AgentDirectorySync(IServiceScopeFactory scopes, IdentityApi.IdentityApiClient identity, TimeProvider clock, ILogger<AgentDirectorySync> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
                delay = Interval;
            }
            catch (Exception ex) when (ex is RpcException or DbUpdateException or InvalidOperationException or Npgsql.NpgsqlException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogInformation("Agent directory not synced yet ({Reason}); trying again", ex is RpcException rpc ? rpc.StatusCode.ToString() : ex.GetType().Name);
                delay = TimeSpan.FromSeconds(Math.Min(60, Math.Max(2, delay.TotalSeconds * 2)));
            }
            await Task.Delay(delay, stoppingToken);
        }
    }

    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var reply = await identity.ListAgentsAsync(new ListAgentsRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var known = await db.Agents.ToDictionaryAsync(a => a.Id, cancellationToken);
        var now = clock.GetUtcNow();
        var changed = 0;
        foreach (var account in reply.Agents)
        {
            var id = Guid.Parse(account.AgentId);
            if (!known.Remove(id, out var agent))
            {
                db.Agents.Add(new RoutingAgent { Id = id, Name = account.Name, Disabled = account.Disabled, IdleSince = now, UpdatedAt = now });
                changed++;
            }
            else if (agent.Name != account.Name || agent.Disabled != account.Disabled)
            {
                agent.Name = account.Name;
                agent.Disabled = account.Disabled;
                agent.UpdatedAt = now;
                changed++;
            }
        }
        // Left over: no longer in identity.
        foreach (var gone in known.Values.Where(a => !a.Disabled))
        {
            gone.Disabled = true;
            gone.UpdatedAt = now;
            changed++;
        }
        await db.SaveChangesAsync(cancellationToken);
        if (changed > 0) logger.LogInformation("Agent directory synced: {Changed} of {Total} agents added or changed", changed, reply.Agents.Count);
        return changed;
    }
}
