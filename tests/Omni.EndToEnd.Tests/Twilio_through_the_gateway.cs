using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>
/// Twilio as it reaches Omni: anonymous through the gateway, signed over the gateway's address (the deployment's public
/// one), form-encoded. One number takes texts and calls.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class Twilio_through_the_gateway(OmniSystem omni)
{
    private sealed record FoundCustomer(Guid Id);

    [Fact]
    public async Task Takes_a_signed_sms_into_the_conversation_then_greets_the_caller_with_it_and_routes_their_call_back_request()
    {
        var number = "+3197" + RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000);
        var (accountSid, authToken) = ("AC" + RandomNumberGenerator.GetHexString(32, true), RandomNumberGenerator.GetHexString(32, true));
        foreach (var kind in new[] { "sms", "voice" })
        {
            var created = await omni.Admin.PostAsJsonAsync("/api/v1/channel-accounts", new
            {
                kind, name = $"Support {kind}", address = number,
                settings = new Dictionary<string, string> { ["accountSid"] = accountSid },
                secrets = new Dictionary<string, string> { ["authToken"] = authToken },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var caller = "+316" + Random.Shared.Next(10_000_000, 60_000_000);
        var sms = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + RandomNumberGenerator.GetHexString(32, true), ["AccountSid"] = accountSid,
            ["From"] = caller, ["To"] = number, ["Body"] = "Waar blijft mijn pakket?", ["NumMedia"] = "0",
        };

        var forged = await PostAsync("/webhooks/twilio/sms", sms, "not-the-token");
        var signed = await PostAsync("/webhooks/twilio/sms", sms, authToken);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var customer = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<FoundCustomer[]>($"/api/v1/customers?kind=phone&address={Uri.EscapeDataString(caller)}"))!.SingleOrDefault(),
            "identity to know the number");
        var conversation = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customer.Id}"))!.SingleOrDefault(),
            "routing to open the customer's conversation");

        // The caller is greeted in Dutch with what routing knows: their question is open.
        var callSid = "CA" + RandomNumberGenerator.GetHexString(32, true);
        var call = new Dictionary<string, string>
        {
            ["CallSid"] = callSid, ["AccountSid"] = accountSid, ["From"] = caller, ["To"] = number,
            ["CallStatus"] = "ringing", ["Direction"] = "inbound",
        };
        var gather = await Eventually.Get(async () =>
        {
            var answer = await PostAsync("/webhooks/twilio/voice", call, authToken);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var element = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!.Element("Gather")!;
            return element.Value.Contains("staat bij ons open") ? element : null;
        }, "the greeting to know the open conversation");
        var action = new Uri((string)gather.Attribute("action")!);
        Assert.Equal(omni.Gateway.BaseAddress!.Authority, action.Authority);

        var pressed = await PostAsync(action.PathAndQuery, new Dictionary<string, string>(call) { ["CallStatus"] = "in-progress", ["Digits"] = "1" }, authToken);

        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        var view = await Eventually.Get(async () =>
            await omni.Admin.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{conversation.Id}") is { } v
            && v.Messages.Any(m => m.Text == "Call-back requested") ? v : null,
            "the call-back request to join the conversation");
        Assert.Equal(("sms", "Waar blijft mijn pakket?"), (view.Messages[0].Channel, view.Messages[0].Text));
        Assert.Contains(view.Messages, m => (m.Channel, m.Text) == ("voice", "Call-back requested"));
    }

    /// <summary>Posts a form as Twilio does, signed (HMAC-SHA1, base64) over the gateway URL and the sorted parameters.</summary>
    private async Task<HttpResponseMessage> PostAsync(string pathAndQuery, Dictionary<string, string> form, string secret)
    {
        var url = omni.Gateway.BaseAddress!.GetLeftPart(UriPartial.Authority) + pathAndQuery;
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(data.ToString())));
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return await omni.Gateway.SendAsync(request);
    }
}
