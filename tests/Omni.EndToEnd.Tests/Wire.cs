using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Omni.EndToEnd.Tests;

// What a client of the public API sees; kept here rather than shared with the services, as a client would.
public sealed record Sender(string Kind, string Address);

public sealed record PostedMessage(string Channel, Sender From, string Text, string? ExternalId = null);

public sealed record MessageView(Guid Id, string Channel, string Status, Guid? CustomerId, string Text, string? StatusReason);

public sealed record ConversationSummary(Guid Id, Guid CustomerId, string Status, string LastChannel, int MessageCount);

public sealed record ConversationMessage(Guid Id, string Channel, string Direction, string Text, DateTimeOffset ReceivedAt);

public sealed record ConversationView(Guid Id, Guid CustomerId, string Status, string LastChannel, List<ConversationMessage> Messages);

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed record AgentView(Guid Id, string Name, string Email, string[] Roles, bool Disabled);

public sealed record Problem(string? Title, int Status, Dictionary<string, string[]>? Errors, [property: JsonPropertyName("traceId")] string? TraceId);

internal static class GatewayClient
{
    public static async Task<MessageView> PostMessageAsync(this HttpClient gateway, PostedMessage message)
    {
        var response = await gateway.PostAsJsonAsync("/api/v1/messages", message);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MessageView>())!;
    }

    public static Task<MessageView?> GetMessageAsync(this HttpClient gateway, Guid id) =>
        gateway.GetFromJsonAsync<MessageView>($"/api/v1/messages/{id}");
}
