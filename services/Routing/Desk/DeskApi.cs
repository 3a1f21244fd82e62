using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Routing.Agents;
using Omni.Routing.Data;
using Omni.Routing.Decisions;

namespace Omni.Routing.Desk;

public sealed record TransferRequest(Guid? ToAgentId, Guid? ToQueueId, string? Note);

public sealed record ReplyRequest(string? Text);

public sealed record DecisionDto(Guid Id, DateTimeOffset At, string Kind, Guid? AgentId, Guid? QueueId, Guid? ActorId, string Reason, string? Note);

/// <summary>What an agent does with a conversation: accept or decline the offer, reply, transfer, resolve; and why routing decided what it did.</summary>
public static class DeskApi
{
    public static IEndpointRouteBuilder MapDeskApi(this IEndpointRouteBuilder app)
    {
        var desk = app.MapGroup("/api/v1/conversations/{id:guid}").WithTags("Desk").RequireAuthorization(OmniPolicies.Agent);
        desk.MapPost("/accept", Accept).WithName("AcceptConversation")
            .WithSummary("Accepts the conversation offered to the signed-in agent; 403 when it is not offered to them (any more).");
        desk.MapPost("/decline", Decline).WithName("DeclineConversation")
            .WithSummary("Declines an offer: it goes to the next agent and is not offered to this one again while it waits.");
        desk.MapPost("/messages", Reply).WithName("ReplyInConversation")
            .WithSummary("Sends the agent's reply on the channel the customer used last (202); starts waiting on the customer. 403 when the conversation is not theirs.");
        desk.MapPost("/transfer", Transfer).WithName("TransferConversation")
            .WithSummary("Transfers to an agent (409 when they are offline or full, with the reason) or to a queue, with a note; history and context stay.");
        desk.MapPost("/resolve", Resolve).WithName("ResolveConversation")
            .WithSummary("Resolves the conversation (its agent, or a supervisor). A new contact within 7 days reopens it as a repeat contact.");
        desk.MapGet("/decisions", Decisions).WithName("ConversationDecisions")
            .WithSummary("Why each routing decision about the conversation was made, oldest first.");
        return app;
    }

    private static async Task<IResult> Accept(Guid id, ClaimsPrincipal user, DeskActions actions, CancellationToken cancellationToken) =>
        (await actions.AcceptAsync(id, AgentsApi.AgentIdOf(user), cancellationToken)).ToHttp();

    private static async Task<IResult> Decline(Guid id, ClaimsPrincipal user, DeskActions actions, CancellationToken cancellationToken) =>
        (await actions.DeclineAsync(id, AgentsApi.AgentIdOf(user), cancellationToken)).ToHttp();

    private static async Task<IResult> Reply(Guid id, ReplyRequest request, ClaimsPrincipal user, DeskActions actions, CancellationToken cancellationToken)
    {
        var outcome = await actions.ReplyAsync(id, AgentsApi.AgentIdOf(user), request.Text, cancellationToken);
        return outcome is DeskOutcome.Done { Value: ReplyAccepted reply } ? TypedResults.Accepted((string?)null, reply) : outcome.ToHttp();
    }

    private static async Task<IResult> Transfer(Guid id, TransferRequest request, ClaimsPrincipal user, DeskActions actions, CancellationToken cancellationToken) =>
        (await actions.TransferAsync(id, AgentsApi.AgentIdOf(user), IsSupervisor(user), request.ToAgentId, request.ToQueueId, request.Note, cancellationToken)).ToHttp();

    private static async Task<IResult> Resolve(Guid id, ClaimsPrincipal user, DeskActions actions, CancellationToken cancellationToken) =>
        (await actions.ResolveAsync(id, AgentsApi.AgentIdOf(user), IsSupervisor(user), cancellationToken)).ToHttp();

    private static async Task<Results<Ok<DecisionDto[]>, ProblemHttpResult>> Decisions(Guid id, RoutingDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return TypedResults.Problem(title: "Conversation not found", statusCode: StatusCodes.Status404NotFound);
        }
        var decisions = await db.Decisions.AsNoTracking().Where(d => d.ConversationId == id).OrderBy(d => d.At).ThenBy(d => d.Id)
            .Select(d => new DecisionDto(d.Id, d.At, d.Kind, d.AgentId, d.QueueId, d.ActorId, d.Reason, d.Note))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(decisions);
    }

    private static bool IsSupervisor(ClaimsPrincipal user) => user.IsInRole(OmniRoles.Supervisor) || user.IsInRole(OmniRoles.Admin);
}
