using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.Twilio;

/// <summary>
/// Sends SMS through Twilio's REST API: <c>POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form-encoded,
/// basic auth with the account SID and auth token, with a status callback to <c>/webhooks/twilio/sms/status</c> on the
/// deployment's public address. 201 → sent (Twilio's MessageSid kept for the callbacks); 429, 5xx, timeouts → retried;
/// any other refusal → failed with Twilio's reason.
/// Serves channel <c>sms</c>, and <c>voice</c> too: a caller is answered by text from the number they called (a call
/// cannot carry an agent's written reply), so replies after a call or a call-back request do not dead-end.
/// </summary>
public sealed class TwilioSmsTransport(
    string channel,
    IHttpClientFactory httpClients,
    IOptions<TwilioOptions> options,
    PublicAddress publicAddress,
    ILogger<TwilioSmsTransport> logger) : IOutboundTransport
{
    public const string HttpClientName = "twilio";

    /// <summary>How Twilio writes a WhatsApp address: "whatsapp:+31…", on both sides of a WhatsApp message.</summary>
    public const string WhatsAppPrefix = "whatsapp:";

    /// <summary>Twilio's limit for one message body (it splits longer texts into up to 10 segments itself).</summary>
    public const int MaxBodyLength = 1600;

    public string Channel => channel;

    public Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken) =>
        Task.FromResult(Body(draft).Length is var length && length > MaxBodyLength
            ? $"An SMS holds at most {MaxBodyLength} characters; this text has {length}" +
              (OutboundActions.Of(draft.Metadata).Count > 0 ? " with its reply options." : ".")
            : null);

    /// <summary>What the customer reads: the text, and the quick replies as a last line (a text message has no buttons).</summary>
    private static string Body(Message message) => OutboundActions.PlainText(message.Text, message.Metadata);

    public async Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        if (account.Setting("accountSid") is not { Length: > 0 } accountSid || account.Secret("authToken") is not { Length: > 0 } authToken)
        {
            return new TransportResult.Failed($"The {channel} account has no Twilio accountSid setting or authToken secret");
        }

        var apiBase = (account.Setting("apiBaseUrl") ?? options.Value.ApiBaseUrl).TrimEnd('/');
        // A customer who wrote through the number's WhatsApp sender is answered there: Twilio wants both ends prefixed.
        var prefix = message.SenderKind == "whatsapp" ? WhatsAppPrefix : "";
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", prefix + message.SenderAddress),
            new("From", prefix + account.Address),
            new("Body", Body(message)),
        };
        if (publicAddress.ConfiguredBase is { } publicBase)
        {
            form.Add(new("StatusCallback", publicBase + "/webhooks/twilio/sms/status"));
        }
        foreach (var attachment in message.Attachments)
        {
            // Twilio fetches outbound media itself, so only files with a public address can go along.
            if (Uri.TryCreate(attachment.ProviderReference, UriKind.Absolute, out var media) && media.Scheme == Uri.UriSchemeHttps)
            {
                form.Add(new("MediaUrl", media.ToString()));
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{apiBase}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var (sid, code, twilioMessage) = Read(body);

        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK && sid is not null)
        {
            return new TransportResult.Accepted(sid);
        }
        var reason = $"Twilio answered {(int)response.StatusCode}" +
                     (code is null ? "" : $" (error {code})") +
                     (twilioMessage is null ? "" : $": {TwilioProblems.WithoutNumbers(twilioMessage)}");
        if (response.IsSuccessStatusCode)
        {
            // Accepted without an id: status callbacks could never find it, but it was sent; don't send it twice.
            logger.LogWarning("Twilio accepted message {MessageId} without a sid", message.Id);
            return new TransportResult.Accepted(null);
        }
        return response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500
            ? new TransportResult.Retry(reason)
            : new TransportResult.Failed(reason);
    }

    /// <summary>Twilio's answer: the message resource on success, <c>{ code, message, more_info, status }</c> on an error.</summary>
    private static (string? Sid, string? Code, string? Message) Read(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null, null);
            return (
                root.TryGetProperty("sid", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null,
                root.TryGetProperty("code", out var code) && code.ValueKind is JsonValueKind.Number or JsonValueKind.String ? code.ToString() : null,
                root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }
}
