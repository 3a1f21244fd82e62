using Microsoft.AspNetCore.Http.HttpResults;
using Omni.Authentication;

namespace Omni.Knowledge.Suggestions;

public static class SuggestionsApi
{
    public static IEndpointRouteBuilder MapSuggestionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/suggestions", Suggest)
            .WithTags("Suggestions")
            .RequireAuthorization(OmniPolicies.Agent)
            .WithName("SuggestArticles")
            .WithSummary("The articles for the agent beside a conversation (conversationId), from the customer's recent messages, in the customer's " +
                         "language; limit up to 10 (default 3). Empty until a customer message of the conversation has reached knowledge.");
        return app;
    }

    private static async Task<Results<Ok<SuggestionResult>, ValidationProblem>> Suggest(
        Guid? conversationId, int? limit, ConversationSuggestions suggestions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (conversationId is not { } id || id == Guid.Empty) errors["conversationId"] = ["Required: the conversation's id."];
        if (limit is < 1 or > ConversationSuggestions.MaxLimit) errors["limit"] = [$"From 1 to {ConversationSuggestions.MaxLimit}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await suggestions.SuggestAsync(conversationId!.Value, limit ?? 3, cancellationToken));
    }
}
