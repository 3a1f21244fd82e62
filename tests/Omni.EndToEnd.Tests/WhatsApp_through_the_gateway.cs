using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>Meta's Cloud API as it reaches Omni: anonymous through the gateway, signed over the raw body.</summary>
[Collection(SystemCollection.Name)]
public sealed class WhatsApp_through_the_gateway(OmniSystem omni)
{
    private sealed record FoundCustomer(Guid Id);

    [Fact]
    public async Task Answers_the_challenge_and_takes_a_signed_message_into_the_customers_conversation_but_not_a_forged_one()
    {
        var phoneNumberId = "1" + Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999);
        var (appSecret, verifyToken) = (Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "verify-" + Guid.NewGuid().ToString("N"));
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/channel-accounts", new
        {
            kind = "whatsapp", name = "Support on WhatsApp", address = phoneNumberId,
            // Nothing listens there: replies Omni sends on its own (status notices) must not reach Meta from a test.
            settings = new Dictionary<string, string> { ["apiBaseUrl"] = "http://127.0.0.1:9" },
            secrets = new Dictionary<string, string> { ["appSecret"] = appSecret, ["verifyToken"] = verifyToken, ["accessToken"] = "EAAG-test" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var challenge = await omni.Gateway.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={verifyToken}");
        Assert.Equal(HttpStatusCode.OK, challenge.StatusCode);
        Assert.Equal("1158201444", await challenge.Content.ReadAsStringAsync());

        var waId = "316" + Random.Shared.Next(10_000_000, 60_000_000);
        var body = Encoding.UTF8.GetBytes($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
              "metadata":{"display_phone_number":"31850000000","phone_number_id":"{{{phoneNumberId}}}"},
              "contacts":[{"profile":{"name":"Ren\u00e9e"},"wa_id":"{{{waId}}}"}],
              "messages":[{"from":"{{{waId}}}","id":"wamid.{{{Guid.NewGuid():N}}}","timestamp":"1749416383","type":"text","text":{"body":"Caf\u00e9 open?"}}]},
              "field":"messages"}]}]}
            """);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

        var forged = await PostWebhookAsync(body, "sha256=" + new string('0', 64));
        var signed = await PostWebhookAsync(body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var customer = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<FoundCustomer[]>($"/api/v1/customers?kind=whatsapp&address=%2B{waId}"))!.SingleOrDefault(),
            "identity to know the WhatsApp number");
        var conversation = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customer.Id}"))!.SingleOrDefault(),
            "routing to open the customer's conversation");
        var view = (await omni.Admin.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{conversation.Id}"))!;
        var message = Assert.Single(view.Messages, m => m.Direction == "inbound");
        Assert.Equal(("whatsapp", "Café open?"), (message.Channel, message.Text));
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Hub-Signature-256", signature);
        return await omni.Gateway.SendAsync(request);
    }
}
