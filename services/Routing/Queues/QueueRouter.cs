using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Omni.Contracts.Routing;
using Omni.Messaging;
using Omni.Messaging.Outbox;
using Omni.Routing.Agents;
using Omni.Routing.Assignment;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Decisions;
using Omni.Routing.Desk;
using AssignmentPresence = Omni.Routing.Assignment.Presence;

namespace Omni.Routing.Queues;

/// <summary>
/// The router: whenever woken (something queued, an agent came online or freed capacity) and at least every
/// <see cref="RoutingOptions.RouterInterval"/>, it takes the load lock, lets lapsed offers go, hands to a person what the
/// bot left unanswered, offers waiting conversations to agents through the <see cref="AssignmentEngine"/>, and tells
/// customers their place and estimated wait when it moved. One pass is one transaction; with several routing
/// instances, one routes at a time and the others skip (the lock is tried, not awaited).
/// </summary>
public sealed class QueueRouter(
    IServiceScopeFactory scopes, RouterSignal signal, PresenceStore presence, DeskNotifier desk, AssignmentEngine engine,
    QueueWaits waits, RoutingMetrics metrics, IOptions<RoutingOptions> options, TimeProvider clock, ILogger<QueueRouter> logger)
    : BackgroundService
{
    private static readonly ActivitySource Source = new(RoutingMetrics.MeterName);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RouteOnceAsync(stoppingToken);
                await signal.WaitAsync(options.Value.RouterInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or Redis is away: nothing is lost (every fact is in the database), try again shortly.
                logger.LogWarning(ex, "Routing pass failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>One pass; returns what it did.</summary>
    public async Task<RouterPass> RouteOnceAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        RouterPass pass;
        // An idle pass every second would fill the dashboard with empty traces: passes are traced only when they acted.
        using (SuppressInstrumentationScope.Begin())
        {
            pass = await PassAsync(cancellationToken);
        }
        if (pass.Acted)
        {
            using var activity = Source.StartActivity("route queues", ActivityKind.Internal, default(ActivityContext), startTime: started);
            activity?.SetTag("omni.routing.offers", pass.Offers.Count);
            activity?.SetTag("omni.routing.offers_lapsed", pass.Withdrawn.Count);
            activity?.SetTag("omni.routing.handed_from_bot", pass.FromBot);
            activity?.SetTag("omni.routing.status_updates", pass.StatusUpdates);
            activity?.SetTag("omni.routing.waiting", pass.Waiting);
        }
        metrics.RouterCycle(watch.Elapsed);
        if (pass.Offers.Count > 0) metrics.Offered(pass.Offers.Count);

        foreach (var (agentId, conversationId, why) in pass.Withdrawn) await desk.OfferWithdrawnAsync(agentId, conversationId, why);
        foreach (var (agentId, offer) in pass.Offers) await desk.OfferAsync(agentId, offer);
        return pass;
    }

    private async Task<RouterPass> PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var queueing = scope.ServiceProvider.GetRequiredService<ConversationQueueing>();
        var settings = options.Value;
        var pass = new RouterPass();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await AgentLoads.TryLockAsync(db, cancellationToken)) return pass; // another instance routes now
        var now = clock.GetUtcNow();
        var online = await presence.AllAsync();
        bool IsOnline(Guid agentId) => online.TryGetValue(agentId, out var p) && p.State == PresenceStates.Online;

        // The rows a pass may change are locked for it, as every desk action and consumer locks the one it changes:
        // a message attached meanwhile waits for the pass instead of failing it on the row version.
        // Offers not accepted in time go to the next agent; an agent who left takes no offer with them.
        var offered = await db.Conversations
            .FromSqlInterpolated($"SELECT *, xmin FROM conversations WHERE \"State\" = {ConversationState.Queued} AND \"OfferedAgentId\" IS NOT NULL FOR UPDATE")
            .ToListAsync(cancellationToken);
        foreach (var conversation in offered.Where(c => c.OfferExpiresAt <= now || !IsOnline(c.OfferedAgentId!.Value)))
        {
            var agentId = conversation.OfferedAgentId!.Value;
            var lapsed = conversation.OfferExpiresAt <= now;
            if (lapsed) conversation.ExcludedAgents = [.. conversation.ExcludedAgents, agentId];
            conversation.OfferedAgentId = null;
            conversation.OfferExpiresAt = null;
            conversation.Units = 0;
            var why = lapsed ? "not accepted in time" : "the agent is no longer online";
            db.Decide(conversation, "offer-lapsed", $"The offer lapsed ({why}); it goes to the next agent.", now, agentId: agentId);
            metrics.OfferLapsed(lapsed ? "timeout" : "offline");
            pass.Withdrawn.Add((agentId, conversation.Id, why));
        }

        // The bot never holds a customer up: a message it left unanswered goes to a person.
        var silentSince = now - settings.BotAnswerTimeout;
        // One being answered right now is skipped: the bot is at it, and the next pass looks again.
        var unanswered = await db.Conversations
            .FromSqlInterpolated($"""
                SELECT *, xmin FROM conversations
                WHERE "State" = {ConversationState.Bot} AND "LastMessageAt" <= {silentSince}
                  AND ("LastBotAnswerAt" IS NULL OR "LastBotAnswerAt" < "LastMessageAt")
                ORDER BY "LastMessageAt" LIMIT 500 FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        foreach (var conversation in unanswered)
        {
            await queueing.EnterAsync(conversation, $"the bot did not answer within {settings.BotAnswerTimeout.TotalSeconds:0} s.", cancellationToken);
            pass.FromBot++;
        }

        if (now - _lastSweep > TimeSpan.FromMinutes(1))
        {
            var closeBefore = now - settings.ReopenWindow;
            pass.Closed = await db.Conversations
                .Where(c => c.State == ConversationState.Resolved && c.ResolvedAt < closeBefore)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.State, ConversationState.Closed), cancellationToken);
            _lastSweep = now;
        }

        // Flushed (not committed) so the loads and the waiting list below see these changes.
        await db.SaveChangesAsync(cancellationToken);

        var queues = await db.Queues.AsNoTracking().ToDictionaryAsync(q => q.Id, cancellationToken);
        var waiting = await db.Conversations
            .FromSqlInterpolated($"""
                SELECT *, xmin FROM conversations WHERE "State" = {ConversationState.Queued}
                ORDER BY "Priority" DESC, "QueuedAt" LIMIT 10000 FOR UPDATE
                """)
            .ToListAsync(cancellationToken);
        pass.Waiting = waiting.Count;
        // What is decided from here on is stamped after the reads it rests on: a decline, a queuing or a transfer
        // committed before them always reads earlier in the decision log than the offer that followed it.
        now = clock.GetUtcNow();

        var pool = new AgentPool();
        if (waiting.Count > 0)
        {
            var agents = await db.Agents.AsNoTracking().Where(a => !a.Disabled).ToListAsync(cancellationToken);
            var loads = await AgentLoads.AllAsync(db, cancellationToken);
            foreach (var agent in agents)
            {
                var state = new AgentState
                {
                    Id = agent.Id,
                    Skills = agent.Skills,
                    Capacity = agent.Capacity,
                    IdleSince = agent.IdleSince,
                    Presence = online.TryGetValue(agent.Id, out var p)
                        ? (p.State == PresenceStates.Online ? AssignmentPresence.Online : AssignmentPresence.Away)
                        : AssignmentPresence.Offline,
                };
                var carried = loads.GetValueOrDefault(agent.Id);
                if (carried > 0 && !state.TryReserve(carried)) state.Presence = AssignmentPresence.Away; // over capacity after a change: takes nothing new
                pool.Upsert(state);
            }
        }

        // Offered conversations are claimed already: they neither get a second offer nor count as waiting in line.
        var items = waiting
            .Where(c => c.QueueId is not null && queues.ContainsKey(c.QueueId.Value))
            .Select(c =>
            {
                var item = new WaitingConversation
                {
                    Id = c.Id,
                    QueueId = c.QueueId!.Value,
                    Priority = c.Priority,
                    QueuedAt = c.QueuedAt ?? now,
                    ChannelKind = c.LastChannel,
                    Required = [.. queues[c.QueueId.Value].RequiredSkills.Select(s => new SkillRequirement(s.Key, s.Value))],
                    PreviousAgentId = c.PreviousAgentId,
                    Excluded = c.ExcludedAgents.ToHashSet(),
                };
                if (c.OfferedAgentId is not null) item.TryClaim();
                return item;
            })
            .ToList();
        var byId = waiting.ToDictionary(c => c.Id);
        if (items.Any(i => !i.IsClaimed))
        {
            foreach (var decision in engine.AssignAll(items.Where(i => !i.IsClaimed), pool, now))
            {
                var conversation = byId[decision.Conversation.Id];
                conversation.OfferedAgentId = decision.Agent.Id;
                conversation.OfferExpiresAt = now + settings.OfferTimeout;
                conversation.Units = decision.Units;
                var queue = queues[conversation.QueueId!.Value];
                db.Decide(conversation, "offered", decision.Reason, now, agentId: decision.Agent.Id);
                pass.Offers.Add((decision.Agent.Id, new OfferNotice(
                    conversation.Id, conversation.CustomerId, conversation.LastChannel, queue.Id, queue.Name,
                    conversation.QueuedAt ?? now, conversation.OfferExpiresAt.Value, decision.Reason, conversation.Summary)));
            }
        }

        // Where each waiting customer stands, told only when it moved enough to matter.
        foreach (var group in items.GroupBy(i => i.QueueId))
        {
            foreach (var estimate in waits.Estimator.Estimate(group.Key, group, pool, now))
            {
                var conversation = byId[estimate.ConversationId];
                var seconds = estimate.ExpectedWait is { } e ? (int)Math.Ceiling(e.TotalSeconds) : (int?)null;
                if (!WaitNotice.WorthTelling(conversation.ToldPosition, conversation.ToldWaitSeconds, estimate.Position, seconds)) continue;
                conversation.ToldPosition = estimate.Position;
                conversation.ToldWaitSeconds = seconds;
                db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Queued, estimate.Position, seconds, null, now, conversation.Language), clock);
                pass.StatusUpdates++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pass;
    }
}

/// <summary>What one router pass did, and whom to tell after it committed.</summary>
public sealed class RouterPass
{
    public List<(Guid AgentId, OfferNotice Offer)> Offers { get; } = [];

    public List<(Guid AgentId, Guid ConversationId, string Why)> Withdrawn { get; } = [];

    public int FromBot { get; set; }

    public int StatusUpdates { get; set; }

    public int Closed { get; set; }

    public int Waiting { get; set; }

    public bool Acted => Offers.Count > 0 || Withdrawn.Count > 0 || FromBot > 0 || StatusUpdates > 0 || Closed > 0;
}

/// <summary>When a waiting customer's place or estimate has moved enough to tell them again: never a flood.</summary>
public static class WaitNotice
{
    public static bool WorthTelling(int? toldPosition, int? toldSeconds, int position, int? seconds)
    {
        if (toldPosition is null) return true;
        if (position != toldPosition && (position <= 3 || Math.Abs(position - toldPosition.Value) >= Math.Max(1, toldPosition.Value / 5))) return true;
        if (seconds is null != toldSeconds is null) return true;
        if (seconds is { } s && toldSeconds is { } t && Math.Abs(s - t) >= Math.Max(30, t / 5)) return true;
        return false;
    }
}
