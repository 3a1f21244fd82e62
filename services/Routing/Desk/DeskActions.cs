using Microsoft.EntityFrameworkCore;
using Omni.Contracts.Channel;
using Omni.Contracts.Routing;
using Omni.Messaging;
using Omni.Messaging.Outbox;
using Omni.Routing.Agents;
using Omni.Routing.Assignment;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Decisions;
using Omni.Routing.Queues;

namespace Omni.Routing.Desk;

/// <summary>
/// What agents and supervisors do with conversations — accept or decline an offer, reply, transfer, resolve — and
/// presence. The same code answers the HTTP API and the hub. Each action is one transaction; a conversation changed by
/// someone else meanwhile (its row version moved) answers 409 rather than overwriting.
/// </summary>
public sealed class DeskActions(
    RoutingDbContext db, ConversationQueueing queueing, PresenceStore presence, DeskNotifier desk, RouterSignal router,
    RoutingPolicy policy, QueueWaits waits, RoutingMetrics metrics, TimeProvider clock)
{
    public const int MaxReplyLength = 4000;

    public async Task<DeskOutcome> SetPresenceAsync(Guid agentId, string? state, CancellationToken cancellationToken)
    {
        state = state?.Trim().ToLowerInvariant();
        if (state is null || !PresenceStore.States.Contains(state))
        {
            return new DeskOutcome.Invalid("state", $"One of: {string.Join(", ", PresenceStore.States)}.");
        }
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (agent is null) return new DeskOutcome.NotFound("Agent");
        if (agent.Disabled && state != PresenceStates.Offline) return new DeskOutcome.Conflict("The agent's account is disabled.");

        await presence.SetAsync(agentId, state);
        var now = await presence.GetAsync(agentId);
        await desk.PresenceAsync(now);
        router.Notify(); // online: can take work; away/offline: offers held go to others
        return new DeskOutcome.Done(now);
    }

    public async Task<DeskOutcome> AcceptAsync(Guid conversationId, Guid agentId, CancellationToken cancellationToken)
    {
        // The row is locked until commit: a customer's message or the router's bookkeeping waits instead of turning
        // the agent's action into a conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await LockAsync(conversationId, cancellationToken);
        if (conversation is null) return new DeskOutcome.NotFound("Conversation");
        if (conversation.AgentId == agentId && conversation.State is ConversationState.Assigned or ConversationState.WaitingOnCustomer)
        {
            return DeskOutcome.Ok; // accepted already: a repeated click changes nothing
        }
        if (conversation.OfferedAgentId != agentId || conversation.State != ConversationState.Queued)
        {
            return new DeskOutcome.Forbidden("This conversation is not offered to you (the offer may have lapsed and gone to someone else).");
        }

        var now = clock.GetUtcNow();
        var agent = await db.Agents.FirstAsync(a => a.Id == agentId, cancellationToken);
        var waited = now - (conversation.QueuedAt ?? now);
        conversation.State = ConversationState.Assigned;
        conversation.AgentId = agentId;
        conversation.AssignedAt = now;
        conversation.OfferedAgentId = null;
        conversation.OfferExpiresAt = null;
        db.Decide(conversation, "accepted", $"{agent.Name} accepted after {waited.TotalSeconds:0} s in the queue.", now, agentId: agentId, actorId: agentId);
        db.Enqueue(new ConversationAssigned(conversation.Id, conversation.CustomerId, agentId, conversation.QueueId, now), clock);
        db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Assigned, null, null, agent.FirstName, now, conversation.Language), clock);
        if (!await SaveAsync(cancellationToken)) return Changed();
        await transaction.CommitAsync(cancellationToken);

        metrics.Assigned(waited);
        if (conversation.QueueId is { } queueId) waits.Estimator.RecordAssigned(queueId, waited, now);
        await desk.AssignedAsync(agentId, new AssignmentNotice(conversation.Id, conversation.CustomerId, conversation.LastChannel, conversation.QueueId, now, conversation.Summary));
        router.Notify(); // the queue moved: positions and estimates change
        return DeskOutcome.Ok;
    }

    public async Task<DeskOutcome> DeclineAsync(Guid conversationId, Guid agentId, CancellationToken cancellationToken)
    {
        // The row is locked until commit: a customer's message or the router's bookkeeping waits instead of turning
        // the agent's action into a conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await LockAsync(conversationId, cancellationToken);
        if (conversation is null) return new DeskOutcome.NotFound("Conversation");
        if (conversation.OfferedAgentId != agentId || conversation.State != ConversationState.Queued)
        {
            return new DeskOutcome.Forbidden("This conversation is not offered to you.");
        }

        var now = clock.GetUtcNow();
        conversation.ExcludedAgents = [.. conversation.ExcludedAgents, agentId];
        conversation.OfferedAgentId = null;
        conversation.OfferExpiresAt = null;
        conversation.Units = 0;
        db.Decide(conversation, "declined", "The agent declined the offer; it goes to the next agent.", now, agentId: agentId, actorId: agentId);
        if (!await SaveAsync(cancellationToken)) return Changed();
        await transaction.CommitAsync(cancellationToken);
        metrics.OfferLapsed("declined");
        router.Notify();
        return DeskOutcome.Ok;
    }

    public async Task<DeskOutcome> ReplyAsync(Guid conversationId, Guid agentId, string? text, CancellationToken cancellationToken)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return new DeskOutcome.Invalid("text", "Required.");
        if (text.Length > MaxReplyLength) return new DeskOutcome.Invalid("text", $"At most {MaxReplyLength} characters.");
        // The row is locked until commit: a customer's message or the router's bookkeeping waits instead of turning
        // the agent's action into a conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await LockAsync(conversationId, cancellationToken);
        if (conversation is null) return new DeskOutcome.NotFound("Conversation");
        if (conversation.AgentId != agentId || conversation.State is not (ConversationState.Assigned or ConversationState.WaitingOnCustomer))
        {
            return new DeskOutcome.Forbidden("Only the agent handling this conversation can reply in it.");
        }

        var now = clock.GetUtcNow();
        var messageId = Guid.CreateVersion7(now);
        db.Enqueue(new SendMessage(messageId, conversation.CustomerId, conversation.Id, null, text, "agent", null, now), clock);
        if (conversation.FirstResponseAt is null)
        {
            conversation.FirstResponseAt = now;
            if (conversation.FirstResponseDueAt < now)
            {
                var queue = await db.Queues.AsNoTracking().Where(q => q.Id == conversation.QueueId).Select(q => q.Name).FirstOrDefaultAsync(cancellationToken);
                metrics.SlaBreached(queue ?? "none");
            }
        }
        conversation.State = ConversationState.WaitingOnCustomer;
        if (!await SaveAsync(cancellationToken)) return Changed();
        await transaction.CommitAsync(cancellationToken);
        return new DeskOutcome.Done(new ReplyAccepted(messageId, conversation.LastChannel));
    }

    public async Task<DeskOutcome> ResolveAsync(Guid conversationId, Guid actorId, bool supervisor, CancellationToken cancellationToken)
    {
        // The row is locked until commit: a customer's message or the router's bookkeeping waits instead of turning
        // the agent's action into a conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await LockAsync(conversationId, cancellationToken);
        if (conversation is null) return new DeskOutcome.NotFound("Conversation");
        if (!ConversationState.IsOpen(conversation.State)) return new DeskOutcome.Conflict($"The conversation is {conversation.State} already.");
        if (!supervisor && conversation.AgentId != actorId) return new DeskOutcome.Forbidden("Only the agent handling this conversation, or a supervisor, can resolve it.");

        var now = clock.GetUtcNow();
        var handledBy = conversation.AgentId;
        var handled = conversation.AssignedAt is { } assignedAt ? now - assignedAt : (TimeSpan?)null;
        var offeredTo = conversation.OfferedAgentId;
        conversation.State = ConversationState.Resolved;
        conversation.ResolvedAt = now;
        conversation.Units = 0;
        conversation.OfferedAgentId = null;
        conversation.OfferExpiresAt = null;
        if (handledBy is { } agentId && await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken) is { } agent) agent.IdleSince = now;
        db.Decide(conversation, "resolved", supervisor && handledBy != actorId ? "Resolved by a supervisor." : "Resolved by its agent.", now, agentId: handledBy, actorId: actorId);
        db.Enqueue(new ConversationResolved(conversation.Id, conversation.CustomerId, handledBy, now), clock);
        db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Resolved, null, null, null, now), clock);
        if (!await SaveAsync(cancellationToken)) return Changed();
        await transaction.CommitAsync(cancellationToken);

        metrics.Resolved();
        if (handled is { } time && conversation.QueueId is { } queueId) waits.Estimator.RecordHandled(queueId, conversation.LastChannel, time, now);
        if (handledBy is { } by) await desk.ResolvedAsync(by, conversation.Id);
        if (offeredTo is { } offered) await desk.OfferWithdrawnAsync(offered, conversation.Id, "resolved");
        router.Notify(); // capacity freed
        return DeskOutcome.Ok;
    }

    public async Task<DeskOutcome> TransferAsync(
        Guid conversationId, Guid actorId, bool supervisor, Guid? toAgentId, Guid? toQueueId, string? note, CancellationToken cancellationToken)
    {
        if (toAgentId is null == toQueueId is null) return new DeskOutcome.Invalid("toAgentId", "Give exactly one of toAgentId and toQueueId.");
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note?.Length > 2000) return new DeskOutcome.Invalid("note", "At most 2000 characters.");

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Adding load to an agent happens under the load lock, as the router's offers do: capacity holds.
        if (toAgentId is not null) await AgentLoads.LockAsync(db, cancellationToken);

        // Locked until commit: the router noting a waiting customer's new place, or a message arriving, waits for the
        // transfer instead of turning it into a 409.
        var conversation = await db.Conversations
            .FromSqlInterpolated($"SELECT *, xmin FROM conversations WHERE \"Id\" = {conversationId} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (conversation is null) return new DeskOutcome.NotFound("Conversation");
        if (!ConversationState.IsOpen(conversation.State)) return new DeskOutcome.Conflict($"The conversation is {conversation.State}.");
        if (!supervisor && conversation.AgentId != actorId) return new DeskOutcome.Forbidden("Only the agent handling this conversation, or a supervisor, can transfer it.");

        var now = clock.GetUtcNow();
        var from = conversation.AgentId;
        var offeredTo = conversation.OfferedAgentId;
        TransferNotice notice;
        if (toQueueId is { } queueId)
        {
            var queue = await db.Queues.AsNoTracking().FirstOrDefaultAsync(q => q.Id == queueId, cancellationToken);
            if (queue is null) return new DeskOutcome.NotFound("Queue");
            await queueing.EnterAsync(conversation, $"transferred{(from is null ? "" : " by its agent")}.", cancellationToken, queue, actorId);
            conversation.PreviousAgentId = from ?? conversation.PreviousAgentId;
            // The agent who handed it on is not offered it back (as the previous agent, they would be first in line).
            if (from is { } handedOn) conversation.ExcludedAgents = [handedOn];
            db.Decide(conversation, "transferred", $"Transferred to queue \"{queue.Name}\".", now, queueId: queue.Id, actorId: actorId, note: note);
            notice = new TransferNotice(conversation.Id, conversation.CustomerId, from, null, queue.Id, note, now);
        }
        else
        {
            var agentId = toAgentId!.Value;
            var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
            if (agent is null) return new DeskOutcome.NotFound("Agent");
            if (agentId == from) return new DeskOutcome.Conflict("The conversation is this agent's already.");
            var state = agent.Disabled ? PresenceStates.Offline : (await presence.GetAsync(agentId)).State;
            if (state != PresenceStates.Online) return new DeskOutcome.Conflict($"{agent.Name} is {state}: transfer to someone online, or to a queue.");
            var units = policy.WeightOf(conversation.LastChannel);
            var load = await AgentLoads.OfAsync(db, agentId, cancellationToken);
            if (load + units > agent.Capacity)
            {
                return new DeskOutcome.Conflict($"{agent.Name} is full: {load} of {agent.Capacity} capacity units in use and this {conversation.LastChannel} conversation needs {units}.");
            }

            conversation.State = ConversationState.Assigned;
            conversation.PreviousAgentId = from ?? conversation.PreviousAgentId;
            conversation.AgentId = agentId;
            conversation.AssignedAt = now;
            conversation.Units = units;
            conversation.OfferedAgentId = null;
            conversation.OfferExpiresAt = null;
            db.Decide(conversation, "transferred", $"Transferred to {agent.Name} ({load + units} of {agent.Capacity} units with it).", now, agentId: agentId, actorId: actorId, note: note);
            db.Enqueue(new ConversationAssigned(conversation.Id, conversation.CustomerId, agentId, conversation.QueueId, now), clock);
            db.Enqueue(new StatusChanged(conversation.Id, conversation.CustomerId, ConversationState.Assigned, null, null, agent.FirstName, now, conversation.Language), clock);
            notice = new TransferNotice(conversation.Id, conversation.CustomerId, from, agentId, null, note, now);
        }
        if (from is { } previous && await db.Agents.FirstOrDefaultAsync(a => a.Id == previous, cancellationToken) is { } fromAgent) fromAgent.IdleSince = now;
        db.Enqueue(new ConversationTransferred(conversation.Id, conversation.CustomerId, from, notice.ToAgentId, notice.ToQueueId, note, now), clock);
        if (!await SaveAsync(cancellationToken)) return Changed();
        await transaction.CommitAsync(cancellationToken);

        var told = new List<Guid>();
        if (from is { } f) told.Add(f);
        if (notice.ToAgentId is { } to)
        {
            told.Add(to);
            await desk.AssignedAsync(to, new AssignmentNotice(conversation.Id, conversation.CustomerId, conversation.LastChannel, conversation.QueueId, now, conversation.Summary));
        }
        if (told.Count > 0) await desk.TransferredAsync(told, notice);
        if (offeredTo is { } o && o != notice.ToAgentId) await desk.OfferWithdrawnAsync(o, conversation.Id, "transferred");
        router.Notify();
        return new DeskOutcome.Done(notice);
    }

    private Task<Conversation?> LockAsync(Guid conversationId, CancellationToken cancellationToken) =>
        db.Conversations.FromSqlInterpolated($"SELECT *, xmin FROM conversations WHERE \"Id\" = {conversationId} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);

    private async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private static DeskOutcome.Conflict Changed() =>
        new("The conversation changed meanwhile (another agent or the router acted on it). Reload it and try again.");
}

public sealed record ReplyAccepted(Guid MessageId, string Channel);
