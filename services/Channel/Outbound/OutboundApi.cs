using Microsoft.AspNetCore.Http.HttpResults;
using Omni.Channel.Messages;

namespace Omni.Channel.Outbound;

public sealed record SendMessageRequest(Guid? CustomerId, Guid? ConversationId, string? Channel, string? Text)
{
    /// <summary>Optional: an approved template (name, language, parameters) instead of free-form text; WhatsApp only.</summary>
    public OutboundTemplate? Template { get; init; }

    /// <summary>Optional quick replies (buttons where the channel shows them, a "Reply: …" line where it does not).</summary>
    public IReadOnlyList<string?>? Actions { get; init; }
}

public static class OutboundApi
{
    public static IEndpointRouteBuilder MapOutboundApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/messages/outbound", Send)
            .WithTags("Messages")
            .WithName("SendMessage")
            .WithSummary("Queues an agent's message to a customer on a channel (default: the one they used last), optionally with quick-reply " +
                         "actions. Answers 202; delivery is retried with backoff and reported per message (sent, delivered, read, failed).");
        return app;
    }

    private static async Task<Results<Accepted<MessageDto>, ValidationProblem, ProblemHttpResult>> Send(
        SendMessageRequest request, OutboundMessages outbound, CancellationToken cancellationToken)
    {
        if (request.CustomerId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customerId"] = ["Required."] });
        }
        var outcome = await outbound.QueueAsync(
            new OutboundRequest(request.CustomerId.Value, request.ConversationId, request.Channel?.Trim().ToLowerInvariant(), request.Text ?? "")
            {
                Template = request.Template,
                Actions = request.Actions,
                // This API is the agents' (the gateway lets only agents reach it).
                Sender = MessageSenders.Agent,
            },
            cancellationToken);
        return outcome switch
        {
            QueueOutcome.Queued q => TypedResults.Accepted($"/api/v1/messages/{q.Message.Id}", MessagesApi.ToDto(q.Message)),
            QueueOutcome.Invalid i => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [i.Field] = [i.Reason] }),
            QueueOutcome.Refused r => TypedResults.Problem(title: "Cannot send this message", detail: r.Reason, statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => throw new InvalidOperationException(),
        };
    }
}
