using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Omni.Authentication;
using Omni.Routing.Agents;

namespace Omni.Routing.Desk;

/// <summary>What an agent's desk hears over <c>/hubs/agent</c>.</summary>
public interface IAgentDesk
{
    /// <summary>A conversation is offered: accept it before <see cref="OfferNotice.ExpiresAt"/> or it goes to the next agent.</summary>
    Task Offer(OfferNotice offer);

    /// <summary>An offer is gone: accepted elsewhere, declined, lapsed, or the conversation moved.</summary>
    Task OfferWithdrawn(Guid conversationId, string reason);

    /// <summary>A conversation is now this agent's (accepted, or transferred to them).</summary>
    Task Assigned(AssignmentNotice assignment);

    /// <summary>The customer wrote in a conversation this agent handles; the text is in the transcript.</summary>
    Task Message(MessageNotice message);

    /// <summary>A conversation was transferred to this agent or away from them, with the note left.</summary>
    Task Transferred(TransferNotice transfer);

    Task Resolved(Guid conversationId);

    /// <summary>An agent's presence changed (supervisors, and the agent themselves).</summary>
    Task Presence(AgentPresence presence);

    /// <summary>Supervisors: the queues now (waiting, longest wait, SLA at risk, agents by state).</summary>
    Task Queues(IReadOnlyList<QueueSnapshot> queues);
}

public sealed record OfferNotice(Guid ConversationId, Guid CustomerId, string Channel, Guid? QueueId, string? QueueName, DateTimeOffset QueuedAt, DateTimeOffset ExpiresAt, string Reason, string? Summary);

public sealed record AssignmentNotice(Guid ConversationId, Guid CustomerId, string Channel, Guid? QueueId, DateTimeOffset AssignedAt, string? Summary);

public sealed record MessageNotice(Guid ConversationId, Guid CustomerId, Guid MessageId, string Channel, DateTimeOffset ReceivedAt);

public sealed record TransferNotice(Guid ConversationId, Guid CustomerId, Guid? FromAgentId, Guid? ToAgentId, Guid? ToQueueId, string? Note, DateTimeOffset At);

/// <summary>
/// The agents' real-time hub. Every connection joins its agent's group; supervisors and admins also join the
/// supervisors' group (queue snapshots, everyone's presence). The desk keeps presence alive with <see cref="Heartbeat"/>
/// and can accept or decline offers here as over HTTP.
/// </summary>
[Authorize(Policy = OmniPolicies.Agent)]
public sealed class AgentHub(PresenceStore presence, DeskActions actions, Omni.Routing.Data.RoutingDbContext db, TimeProvider clock) : Hub<IAgentDesk>
{
    public const string Path = "/hubs/agent";

    public const string Supervisors = "supervisors";

    public static string AgentGroup(Guid agentId) => $"agent:{agentId:N}";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AgentGroup(AgentId));
        if (Context.User!.IsInRole(OmniRoles.Supervisor) || Context.User.IsInRole(OmniRoles.Admin))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, Supervisors);
            Interlocked.Increment(ref SupervisorFeed.SupervisorsConnected);
            Context.Items["supervisor"] = true;
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey("supervisor")) Interlocked.Decrement(ref SupervisorFeed.SupervisorsConnected);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Keeps the agent's presence alive; answers the state it holds now ("offline" when it had lapsed).</summary>
    public async Task<string> Heartbeat() =>
        await presence.HeartbeatAsync(AgentId) ? (await presence.GetAsync(AgentId)).State : PresenceStates.Offline;

    public async Task SetPresence(string state)
    {
        await AgentsApi.EnsureKnownAsync(db, Context.User!, clock, Context.ConnectionAborted);
        Raise(await actions.SetPresenceAsync(AgentId, state, Context.ConnectionAborted));
    }

    public async Task Accept(Guid conversationId) => Raise(await actions.AcceptAsync(conversationId, AgentId, Context.ConnectionAborted));

    public async Task Decline(Guid conversationId) => Raise(await actions.DeclineAsync(conversationId, AgentId, Context.ConnectionAborted));

    private Guid AgentId => Guid.Parse(Context.User!.FindFirstValue(OmniTokens.Claims.Subject)!);

    private static void Raise(DeskOutcome outcome)
    {
        if (outcome is not DeskOutcome.Done) throw new HubException(outcome.Describe());
    }
}

/// <summary>Tells desks what happened, after it is committed. A desk that is not connected reads it from the APIs later.</summary>
public sealed class DeskNotifier(IHubContext<AgentHub, IAgentDesk> hub)
{
    public Task OfferAsync(Guid agentId, OfferNotice offer) => hub.Clients.Group(AgentHub.AgentGroup(agentId)).Offer(offer);

    public Task OfferWithdrawnAsync(Guid agentId, Guid conversationId, string reason) =>
        hub.Clients.Group(AgentHub.AgentGroup(agentId)).OfferWithdrawn(conversationId, reason);

    public Task AssignedAsync(Guid agentId, AssignmentNotice assignment) => hub.Clients.Group(AgentHub.AgentGroup(agentId)).Assigned(assignment);

    public Task MessageAsync(Guid agentId, MessageNotice message) => hub.Clients.Group(AgentHub.AgentGroup(agentId)).Message(message);

    public Task TransferredAsync(IEnumerable<Guid> agentIds, TransferNotice transfer) =>
        hub.Clients.Groups(agentIds.Distinct().Select(AgentHub.AgentGroup).ToList()).Transferred(transfer);

    public Task ResolvedAsync(Guid agentId, Guid conversationId) => hub.Clients.Group(AgentHub.AgentGroup(agentId)).Resolved(conversationId);

    public Task PresenceAsync(AgentPresence presence) =>
        hub.Clients.Groups([AgentHub.Supervisors, AgentHub.AgentGroup(presence.AgentId)]).Presence(presence);

    public Task QueuesAsync(IReadOnlyList<QueueSnapshot> queues) => hub.Clients.Group(AgentHub.Supervisors).Queues(queues);
}
