using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.Partner;

/// <summary>
/// Delivers replies to a partner's webhook: a JSON POST signed <c>sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>
/// in <see cref="SignatureHeader"/>, the timestamp (Unix seconds) in <see cref="TimestampHeader"/> so a receiver can
/// refuse replays. 2xx is delivered; 408, 429 and 5xx are retried with backoff by the dispatcher; other answers fail.
/// </summary>
public sealed class PartnerTransport(IHttpClientFactory clients, TimeProvider clock) : IOutboundTransport
{
    public const string WebhookUrlSetting = "webhookUrl";
    public const string WebhookSecret = "webhookSecret";
    public const string SignatureHeader = "X-Omni-Signature";
    public const string TimestampHeader = "X-Omni-Timestamp";
    public const string ClientName = "partner-webhooks";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Channel => AccountKinds.Partner;

    public Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken) =>
        Task.FromResult(account.Setting(WebhookUrlSetting) is null || account.Secret(WebhookSecret) is null
            ? $"Partner {account.Address} has not registered a webhook (PUT /api/v1/partner/webhook)."
            : null);

    public async Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        if (account.Setting(WebhookUrlSetting) is not { } url || account.Secret(WebhookSecret) is not { } secret)
        {
            return new TransportResult.Failed("The partner has no webhook registered");
        }
        var body = JsonSerializer.Serialize(new
        {
            type = "message",
            messageId = message.Id,
            userId = message.SenderAddress[(message.SenderAddress.IndexOf(':') + 1)..],
            conversationId = message.ConversationId,
            text = message.Text,
            // Who speaks (bot, agent, system) and quick replies the app may show as buttons (each sent back as the user's message).
            sender = message.Sender,
            actions = OutboundActions.Of(message.Metadata),
            sentAt = message.ReceivedAt,
        }, Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
        request.Headers.Add("X-Omni-Message-Id", message.Id.ToString());

        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new TransportResult.Accepted(null, MessageStatus.Delivered),
            408 or 429 or >= 500 => new TransportResult.Retry($"The partner's webhook answered {status}"),
            _ => new TransportResult.Failed($"The partner's webhook refused the message ({status})"),
        };
    }

    /// <summary>The signature a partner recomputes to check a delivery came from Omni.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
