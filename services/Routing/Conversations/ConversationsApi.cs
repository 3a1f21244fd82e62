using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Grpc;
using Omni.Routing.Data;

namespace Omni.Routing.Conversations;

/// <summary>
/// A conversation at a glance: its state (new, bot, queued, assigned, waiting-on-customer, resolved, closed), the
/// queue it waits or waited in, the agent who has (or had) it, and the resolved conversation it reopens (a repeat contact).
/// </summary>
public sealed record ConversationSummaryDto(
    Guid Id, Guid CustomerId, string Status, DateTimeOffset OpenedAt, DateTimeOffset LastMessageAt, string LastChannel, int MessageCount,
    Guid? QueueId, Guid? AgentId, Guid? ReopenedFromId);

public sealed record ConversationMessageDto(Guid Id, string Channel, string Direction, string Text, DateTimeOffset ReceivedAt, string Status);

/// <summary>One conversation for the desk: as <see cref="ConversationSummaryDto"/>, with what the customer told the bot and every message.</summary>
public sealed record ConversationDto(
    Guid Id, Guid CustomerId, string Status, DateTimeOffset OpenedAt, DateTimeOffset LastMessageAt, string LastChannel,
    Guid? QueueId, Guid? AgentId, Guid? ReopenedFromId, string? Summary, DateTimeOffset? LastBotAnswerAt, IReadOnlyList<ConversationMessageDto> Messages);

public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(Omni.Authentication.OmniPolicies.Agent);

        conversations.MapGet("/", ListForCustomer)
            .WithName("ListConversations")
            .WithSummary("A customer's conversations, newest first.");

        conversations.MapGet("/{id:guid}", GetConversation)
            .WithName("GetConversation")
            .WithSummary("One conversation with all its messages across channels, in and out, oldest first, with each one's delivery state.");

        return app;
    }

    private static async Task<Results<Ok<ConversationSummaryDto[]>, ValidationProblem>> ListForCustomer(
        string? customerId, RoutingDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = ["Required: the customer whose conversations to list."] });
        }
        if (!Guid.TryParse(customerId, out var id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = ["Not a UUID."] });
        }

        var list = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == id)
            .OrderByDescending(c => c.OpenedAt)
            .Select(c => new ConversationSummaryDto(
                c.Id, c.CustomerId, c.State, c.OpenedAt, c.LastMessageAt, c.LastChannel, c.Messages.Count, c.QueueId, c.AgentId, c.ReopenedFromId))
            .ToArrayAsync(cancellationToken);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<ConversationDto>, NotFound, ProblemHttpResult>> GetConversation(
        Guid id, RoutingDbContext db, ChannelApi.ChannelApiClient channel, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().Include(c => c.Messages)
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null) return TypedResults.NotFound();

        // The channel answers at most 500 ids per call; a long conversation takes several calls.
        var transcript = new List<ChannelMessage>();
        try
        {
            var chunks = conversation.Messages.Select(m => m.MessageId.ToString()).Chunk(500).DefaultIfEmpty([]).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                var request = new GetMessagesRequest();
                if (i == 0) request.ConversationId = conversation.Id.ToString();   // outbound messages once
                request.MessageIds.AddRange(chunks[i]);
                var reply = await channel.GetMessagesAsync(request, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
                transcript.AddRange(reply.Messages);
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return TypedResults.Problem(
                title: "The transcript is temporarily unavailable",
                detail: "The channel service, which holds the messages, did not answer. Try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var messages = transcript
            .OrderBy(m => m.ReceivedAt.ToDateTimeOffset()).ThenBy(m => m.MessageId, StringComparer.Ordinal)
            .Select(m => new ConversationMessageDto(Guid.Parse(m.MessageId), m.Channel, m.Direction, m.Text, m.ReceivedAt.ToDateTimeOffset(), m.Status))
            .ToList();
        return TypedResults.Ok(new ConversationDto(
            conversation.Id, conversation.CustomerId, conversation.State,
            conversation.OpenedAt, conversation.LastMessageAt, conversation.LastChannel,
            conversation.QueueId, conversation.AgentId, conversation.ReopenedFromId, conversation.Summary, conversation.LastBotAnswerAt, messages));
    }
}
