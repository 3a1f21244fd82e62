using Aspire.Hosting.Testing;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>A partner's own app (the mobile front-end) using Omni with an API key, as its developers would.</summary>
[Collection(SystemCollection.Name)]
public sealed class Partner_app_through_the_gateway(OmniSystem omni) : IAsyncLifetime
{
    private sealed record KeyCreated(Guid Id, string Partner, string Key);
    private sealed record WebhookSet(string Url, string? Secret, string SignatureHeader);
    private sealed record PartnerMessage(Guid Id, string UserId, string Direction, string Text, string Status);
    private sealed record Delivery(string Body, string Signature, string Timestamp);

    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private WebApplication? _webhook;
    private string _webhookUrl = "";

    // The partner's own server, receiving Omni's replies.
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _webhook = builder.Build();
        _webhook.MapPost("/omni", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            _deliveries.Enqueue(new Delivery(await reader.ReadToEndAsync(), request.Headers["X-Omni-Signature"].ToString(), request.Headers["X-Omni-Timestamp"].ToString()));
            return Results.Ok();
        });
        await _webhook.StartAsync();
        _webhookUrl = _webhook.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/omni";
    }

    public async Task DisposeAsync()
    {
        if (_webhook is not null) await _webhook.DisposeAsync();
    }

    private async Task<HttpClient> PartnerClientAsync(string partner)
    {
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/partners/keys", new { partner, scopes = new[] { "messages" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<KeyCreated>())!.Key;
        var client = omni.App.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    [Fact]
    public async Task Posts_a_users_message_and_receives_the_agents_reply_on_its_signed_webhook()
    {
        var partner = $"app-{Guid.NewGuid():N}"[..16];
        using var app = await PartnerClientAsync(partner);
        var webhook = (await (await app.PutAsJsonAsync("/api/v1/partner/webhook", new { url = _webhookUrl })).Content.ReadFromJsonAsync<WebhookSet>())!;
        Assert.NotNull(webhook.Secret);

        var posted = await app.PostAsJsonAsync("/api/v1/partner/messages", new { userId = "user-1", text = "My parcel is damaged" });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var message = (await posted.Content.ReadFromJsonAsync<PartnerMessage>())!;

        // An agent finds the conversation and answers it.
        var received = await Eventually.Get(async () => await omni.Admin.GetFromJsonAsync<MessageView>($"/api/v1/messages/{message.Id}") is { Status: "received" } m ? m : null,
            "the partner's user to be resolved");
        var conversation = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={received.CustomerId}"))!.SingleOrDefault(),
            "the conversation to open");
        var reply = await omni.Admin.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId = received.CustomerId, conversationId = conversation.Id, text = "Sorry to hear that; a new one is on its way." });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);

        var delivery = await Eventually.Get(() => Task.FromResult(_deliveries.FirstOrDefault(d => d.Body.Contains("a new one is on its way"))),
            "the reply to reach the partner's webhook");
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhook.Secret!), Encoding.UTF8.GetBytes($"{delivery.Timestamp}.{delivery.Body}")));
        Assert.Equal("sha256=" + expected, delivery.Signature);
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal("user-1", body.RootElement.GetProperty("userId").GetString());

        var history = await app.GetFromJsonAsync<PartnerMessage[]>("/api/v1/partner/messages?userId=user-1");
        Assert.Contains(history!, m => m.Direction == "inbound" && m.Text == "My parcel is damaged");
        Assert.Contains(history!, m => m.Direction == "outbound" && m.Text.Contains("a new one is on its way"));
    }

    [Fact]
    public async Task Is_refused_without_a_key_or_with_a_revoked_one()
    {
        var partner = $"app-{Guid.NewGuid():N}"[..16];
        var created = await (await omni.Admin.PostAsJsonAsync("/api/v1/partners/keys", new { partner, scopes = new[] { "messages" } })).Content.ReadFromJsonAsync<KeyCreated>();
        using var anonymous = omni.App.CreateHttpClient("gateway");
        using var spoofing = omni.App.CreateHttpClient("gateway");
        spoofing.DefaultRequestHeaders.Add("X-Omni-Partner", partner);

        var withoutKey = await anonymous.PostAsJsonAsync("/api/v1/partner/messages", new { userId = "u", text = "hi" });
        var spoofed = await spoofing.PostAsJsonAsync("/api/v1/partner/messages", new { userId = "u", text = "hi" });
        await omni.Admin.DeleteAsync($"/api/v1/partners/keys/{created!.Id}");
        using var revoked = omni.App.CreateHttpClient("gateway");
        revoked.DefaultRequestHeaders.Add("X-Api-Key", created.Key);
        // Revocation takes effect once the gateway's 30-second cache of this key has expired; this key was never cached.
        var afterRevoking = await revoked.PostAsJsonAsync("/api/v1/partner/messages", new { userId = "u", text = "hi" });

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, spoofed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoking.StatusCode);
    }

    [Theory]
    [InlineData("{\"text\":\"hi\"}", "userId")]
    [InlineData("{\"userId\":\"u\"}", "text")]
    public async Task Gets_a_400_naming_the_field_for_a_bad_message(string json, string field)
    {
        using var app = await PartnerClientAsync($"app-{Guid.NewGuid():N}"[..16]);

        var response = await app.PostAsync("/api/v1/partner/messages", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
    }
}
