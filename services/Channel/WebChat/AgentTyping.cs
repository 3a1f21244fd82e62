using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Accounts;
using Omni.Channel.Data;

namespace Omni.Channel.WebChat;

/// <summary>Who is typing to whom: the customer, or the conversation (whose customer the channel knows from its messages).</summary>
public sealed record TypingRequest(Guid? CustomerId, Guid? ConversationId);

/// <summary>
/// "An agent is typing": the agent's desk calls this while the agent writes (every few seconds at most); every open web
/// chat page of the customer gets a <c>typing</c> event <c>{ from: "agent" }</c> over the hub, through the backplane.
/// Nothing is stored. Other channels have no such signal, so a customer who is not chatting on the web sees nothing.
/// </summary>
public static class AgentTyping
{
    private const int MaxPages = 50;

    public static IEndpointRouteBuilder MapAgentTyping(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/messages/typing", Post)
            .WithTags("Messages")
            .WithName("AgentTyping")
            .WithSummary("Shows \"an agent is typing\" in the customer's open web chat pages (customerId, or conversationId). 204; nothing is stored.");
        return app;
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Post(
        TypingRequest? request, ChannelDbContext db, IHubContext<ChatHub> hub, CancellationToken cancellationToken)
    {
        if (request is null || (request.CustomerId is null && request.ConversationId is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = ["Required: customerId, or conversationId."] });
        }

        var customerId = request.CustomerId;
        if (customerId is null)
        {
            customerId = await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == request.ConversationId && m.CustomerId != null)
                .Select(m => m.CustomerId)
                .FirstOrDefaultAsync(cancellationToken);
            if (customerId is null)
            {
                return TypedResults.Problem(title: "Unknown conversation", detail: "No message of this conversation is known; send the customerId.",
                    statusCode: StatusCodes.Status404NotFound);
            }
        }

        // The customer's web chats: each site they chat on, and the visitors they chatted as (a page that connected
        // while identity was away is in its visitor's group rather than its customer's).
        var pages = await db.Messages.AsNoTracking()
            .Where(m => m.CustomerId == customerId && m.Channel == AccountKinds.Web && m.AccountId != null && m.SenderAddress != "")
            .Select(m => new { AccountId = m.AccountId!.Value, m.SenderAddress })
            .Distinct()
            .Take(MaxPages)
            .ToListAsync(cancellationToken);
        var groups = pages.Select(p => WebChatGroups.Customer(p.AccountId, customerId.Value))
            .Concat(pages.Select(p => WebChatGroups.Visitor(p.AccountId, p.SenderAddress)))
            .Distinct()
            .ToList();
        if (groups.Count > 0)
        {
            await hub.Clients.Groups(groups).SendAsync(WebChatEvents.Typing, new { from = WebChatMessage.FromAgent }, cancellationToken);
        }
        return TypedResults.NoContent();
    }
}
