using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

/// <summary>A WhatsApp business number set up in Omni: its channel account and the secrets Meta and Omni share.</summary>
public sealed record WhatsAppNumber(Guid AccountId, string PhoneNumberId, string AppSecret, string VerifyToken, string AccessToken);

/// <summary>What Meta's Cloud API sends and how it signs it, in the words of the tests.</summary>
public static class MetaWebhook
{
    public const string Path = "/webhooks/whatsapp";

    /// <summary>A Dutch mobile number in WhatsApp's wa_id form (digits, no plus) nobody has used yet in this run.</summary>
    public static string NewWaId() => "316" + Random.Shared.Next(10_000_000, 60_000_000);

    /// <summary>A message id the way the Cloud API writes them: "wamid." and base64.</summary>
    public static string NewWamid() => "wamid.HBgL" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=');

    /// <summary>A business phone-number id the way Meta issues them: 15 digits.</summary>
    public static string NewPhoneNumberId() => "1" + Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999);

    /// <summary>Adds a WhatsApp account through the channel's accounts API, as an admin would.</summary>
    public static async Task<WhatsAppNumber> CreateWhatsAppAccountAsync(this HttpClient http, string? apiBaseUrl = null)
    {
        var phoneNumberId = NewPhoneNumberId();
        var secrets = new Dictionary<string, string>
        {
            ["appSecret"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["verifyToken"] = "verify-" + Guid.NewGuid().ToString("N"),
            ["accessToken"] = "EAAG" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
        };
        var settings = apiBaseUrl is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["apiBaseUrl"] = apiBaseUrl };
        var response = await http.PostAsJsonAsync("/api/v1/channel-accounts",
            new { kind = "whatsapp", name = "Support on WhatsApp", address = phoneNumberId, settings, secrets });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new WhatsAppNumber(created.RootElement.GetProperty("id").GetGuid(), phoneNumberId,
            secrets["appSecret"], secrets["verifyToken"], secrets["accessToken"]);
    }

    /// <summary>A notification of the "messages" field: the customer's profile and their messages to one business number.</summary>
    public static object Messages(string phoneNumberId, string waId, string? profileName, params object[] messages) =>
        Envelope(phoneNumberId, new Dictionary<string, object>
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new { display_phone_number = "31850000000", phone_number_id = phoneNumberId },
            ["contacts"] = new[] { new { profile = new { name = profileName }, wa_id = waId } },
            ["messages"] = messages,
        });

    /// <summary>A notification of the "messages" field carrying status reports on messages the business sent.</summary>
    public static object Statuses(string phoneNumberId, params object[] statuses) =>
        Envelope(phoneNumberId, new Dictionary<string, object>
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new { display_phone_number = "31850000000", phone_number_id = phoneNumberId },
            ["statuses"] = statuses,
        });

    public static object Text(string from, string wamid, string body) =>
        new { from, id = wamid, timestamp = Timestamp(), type = "text", text = new { body } };

    public static object Image(string from, string wamid, string mediaId, string mimeType, string? caption) =>
        new { from, id = wamid, timestamp = Timestamp(), type = "image", image = new { caption, mime_type = mimeType, sha256 = "Fv0h2Vq0PjE=", id = mediaId } };

    public static object Location(string from, string wamid, double latitude, double longitude, string? name, string? address) =>
        new { from, id = wamid, timestamp = Timestamp(), type = "location", location = new { latitude, longitude, name, address } };

    public static object ButtonReply(string from, string wamid, string id, string title, string repliesTo) =>
        new { context = new { from = "31850000000", id = repliesTo }, from, id = wamid, timestamp = Timestamp(), type = "interactive",
              interactive = new { type = "button_reply", button_reply = new { id, title } } };

    public static object ListReply(string from, string wamid, string id, string title, string description, string repliesTo) =>
        new { context = new { from = "31850000000", id = repliesTo }, from, id = wamid, timestamp = Timestamp(), type = "interactive",
              interactive = new { type = "list_reply", list_reply = new { id, title, description } } };

    public static object Status(string wamid, string status, string recipientWaId) =>
        new { id = wamid, status, timestamp = Timestamp(), recipient_id = recipientWaId };

    public static object FailedStatus(string wamid, string recipientWaId, int code, string title, string details) =>
        new
        {
            id = wamid, status = "failed", timestamp = Timestamp(), recipient_id = recipientWaId,
            errors = new[] { new { code, title, message = title, error_data = new { details }, href = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" } },
        };

    public static byte[] Serialize(object payload) => JsonSerializer.SerializeToUtf8Bytes(payload);

    /// <summary>Meta's rule: "sha256=" and the hex HMAC-SHA256 of the exact body bytes, keyed with the app secret.</summary>
    public static string Sign(byte[] body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    public static Task<HttpResponseMessage> PostWebhookAsync(this HttpClient http, object payload, string appSecret)
    {
        var body = Serialize(payload);
        return http.PostWebhookAsync(body, Sign(body, appSecret));
    }

    public static async Task<HttpResponseMessage> PostWebhookAsync(this HttpClient http, byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null) request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature);
        return await http.SendAsync(request);
    }

    /// <summary>Posts a signed webhook and checks Meta would see it acknowledged.</summary>
    public static async Task PostAcknowledgedAsync(this HttpClient http, object payload, string appSecret)
    {
        var response = await http.PostWebhookAsync(payload, appSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static object Envelope(string phoneNumberId, Dictionary<string, object> value) => new
    {
        @object = "whatsapp_business_account",
        entry = new[]
        {
            new { id = "1029" + phoneNumberId[..8], changes = new[] { new { value, field = "messages" } } },
        },
    };

    private static string Timestamp() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
}
