using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.WhatsApp;

/// <summary>
/// Sends on WhatsApp through the Cloud API (<c>POST /{version}/{phone-number-id}/messages</c> with the account's access
/// token): free-form text inside the customer-service window, an approved template at any time.
/// </summary>
public sealed class WhatsAppTransport(
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    IOptions<WhatsAppOptions> options,
    TimeProvider clock) : IOutboundTransport
{
    public const string HttpClientName = "whatsapp-graph";

    // Meta's throughput limits (some answered as 400): the message is fine, it has to wait.
    private static readonly HashSet<int> ThrottlingCodes = [4, 80007, 130429, 131048, 131056];

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly WhatsAppOptions _options = options.Value;

    public string Channel => AccountKinds.WhatsApp;

    /// <summary>
    /// WhatsApp's customer-service window: free-form messages only within 24 hours of the customer's last message to this
    /// business number; outside it (or before the customer ever wrote) only an approved template.
    /// </summary>
    public async Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken)
    {
        if (OutboundTemplate.FromMetadata(draft.Metadata) is not null) return null;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var lastWrote = await db.Messages.AsNoTracking()
            .Where(m => m.Direction == MessageDirection.Inbound && m.Channel == AccountKinds.WhatsApp
                        && m.SenderAddress == draft.SenderAddress && m.AccountId == account.Id)
            .MaxAsync(m => (DateTimeOffset?)m.ReceivedAt, cancellationToken);
        if (lastWrote is { } at && at >= clock.GetUtcNow() - _options.ServiceWindow) return null;

        var hours = _options.ServiceWindow.TotalHours;
        return (lastWrote is null
                   ? "The customer has not written to this WhatsApp number yet"
                   : $"The customer last wrote on WhatsApp more than {hours:0.#} hours ago")
               + $": outside WhatsApp's {hours:0.#}-hour customer-service window only an approved template may be sent.";
    }

    public async Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        if (account.Secret("accessToken") is not { Length: > 0 } accessToken)
        {
            return new TransportResult.Failed("The WhatsApp account has no access token (secret \"accessToken\").");
        }
        var baseUrl = (account.Setting("apiBaseUrl") is { Length: > 0 } own ? own : _options.ApiBaseUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{baseUrl}/{_options.ApiVersion}/{Uri.EscapeDataString(account.Address)}/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(Body(message), Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return new TransportResult.Retry($"WhatsApp could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TransportResult.Retry("WhatsApp did not answer in time");
        }

        using (response)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return new TransportResult.Accepted(MessageId(answer));

            var (code, description) = Error(answer);
            var reason = $"WhatsApp answered {(int)response.StatusCode}: {description ?? response.ReasonPhrase ?? "no reason given"}";
            return response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 || code is { } c && ThrottlingCodes.Contains(c)
                ? new TransportResult.Retry(reason)
                : new TransportResult.Failed(reason);
        }
    }

    /// <summary>WhatsApp's limits for reply buttons: at most three, titles of at most 20 characters, a body of at most 1024.</summary>
    public const int MaxButtons = 3;
    public const int MaxButtonTitle = 20;
    public const int MaxInteractiveBody = 1024;

    /// <summary>
    /// The Cloud API's message object: a text; with quick replies that fit WhatsApp's reply buttons, an interactive
    /// button message (a pressed button comes back as a <c>button_reply</c> whose title is the action); with more or
    /// longer ones, the text with a "Reply: …" line; or the template with its body parameters.
    /// </summary>
    private static object Body(Message message)
    {
        var to = message.SenderAddress.TrimStart('+');
        if (OutboundTemplate.FromMetadata(message.Metadata) is not { } template)
        {
            var actions = OutboundActions.Of(message.Metadata);
            if (actions.Count > 0 && FitButtons(message.Text, actions))
            {
                return new
                {
                    messaging_product = "whatsapp",
                    recipient_type = "individual",
                    to,
                    type = "interactive",
                    interactive = new
                    {
                        type = "button",
                        body = new { text = message.Text },
                        action = new { buttons = actions.Select(a => new { type = "reply", reply = new { id = a, title = a } }).ToArray() },
                    },
                };
            }
            return new
            {
                messaging_product = "whatsapp", recipient_type = "individual", to, type = "text",
                text = new { body = OutboundActions.PlainText(message.Text, message.Metadata) },
            };
        }
        var components = template.Parameters is { Count: > 0 } parameters
            ? new[] { new { type = "body", parameters = parameters.Select(p => new { type = "text", text = p }).ToArray() } }
            : null;
        return new
        {
            messaging_product = "whatsapp",
            recipient_type = "individual",
            to,
            type = "template",
            template = new { name = template.Name, language = new { code = template.Language }, components },
        };
    }

    private static bool FitButtons(string text, IReadOnlyList<string> actions) =>
        actions.Count <= MaxButtons && actions.All(a => a.Length <= MaxButtonTitle) && text.Length is > 0 and <= MaxInteractiveBody;

    private static string? MessageId(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
                   && messages.GetArrayLength() > 0 && messages[0].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Meta's error code and message from <c>{ "error": { "message", "code", "error_data": { "details" } } }</c>.</summary>
    private static (int? Code, string? Description) Error(string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }
            int? code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            var text = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var details = error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object
                          && data.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var description = string.Join(" — ", new[] { text, details }.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct());
            if (description.Length == 0) return (code, null);
            return (code, code is null ? description : $"{description} (code {code})");
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
