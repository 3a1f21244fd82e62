using System.Net;
using System.Net.Http.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests;

[Collection(ChannelCollection.Name)]
public sealed class Accepting_a_message(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Answers_202_pending_with_its_location_then_resolves_the_sender_and_announces_it_on_the_bus()
    {
        using var http = fixture.Channel.CreateClient();
        var mobile = Inbound.NewDutchMobile();

        var response = await http.PostMessageAsync(Inbound.Body("phone", mobile, channel: "sms"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Equal("pending", accepted.Status);
        Assert.Null(accepted.CustomerId);
        Assert.Equal($"/api/v1/messages/{accepted.Id}", response.Headers.Location?.OriginalString);

        var received = await Eventually.Get(async () =>
            await http.GetFromJsonAsync<MessageDto>(response.Headers.Location) is { Status: "received" } m ? m : null,
            "the message to be received");
        Assert.NotNull(received.CustomerId);
        Assert.Equal("sms", received.Channel);
        Assert.Equal("inbound", received.Direction);

        var (busMessageId, announced) = await fixture.Announced.WaitFor(m => m.MessageId == accepted.Id, "MessageReceived on the bus");
        Assert.Equal(received.CustomerId, announced.CustomerId);
        Assert.Equal("sms", announced.Channel);
        Assert.Equal(received.ReceivedAt, announced.ReceivedAt);
        // The bus message id is the outbox row's id, and that row is marked sent once the broker confirmed it.
        Assert.NotNull(busMessageId);
        await Eventually.True(() => fixture.Database.OutboxRowSentAsync(busMessageId.Value), "the outbox row to be marked sent");
        Assert.Null(await fixture.Database.InboundWorkAsync(accepted.Id));
    }

    [Fact]
    public async Task Answers_202_with_the_message_exactly_as_it_was_stored()
    {
        using var http = fixture.Channel.CreateClient();
        var sender = Inbound.NewEmail();

        // Several, so that a difference below the stored precision cannot hide behind a lucky clock reading.
        foreach (var text in new[] { "  Hello,\n  is anyone there?  ", "second", "third", "fourth", "fifth" })
        {
            var accepted = await http.PostAcceptedAsync(Inbound.Body("email", sender, text, channel: "web"));

            var stored = await http.GetMessageAsync(accepted.Id);
            // What a client keeps from the 202 (to order, to match a later event) must be what every later read says.
            Assert.Equal(accepted.ReceivedAt, stored.ReceivedAt);
            Assert.Equivalent(accepted with { Status = stored.Status, CustomerId = stored.CustomerId }, stored, strict: true);
        }
    }

    [Fact]
    public async Task Stores_a_repeat_with_the_same_external_id_once_and_answers_200_with_the_first()
    {
        using var http = fixture.Channel.CreateClient();
        var externalId = "wamid." + Guid.NewGuid().ToString("N");
        var body = Inbound.Body("whatsapp", Inbound.NewDutchMobile(), channel: "whatsapp", externalId: externalId);

        var first = await http.PostMessageAsync(body);
        var second = await http.PostMessageAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var (a, b) = ((await first.Content.ReadFromJsonAsync<MessageDto>())!, (await second.Content.ReadFromJsonAsync<MessageDto>())!);
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(externalId, b.ExternalId);
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(externalId));
    }

    [Fact]
    public async Task Stores_a_repeat_with_the_same_idempotency_key_once_and_answers_200_with_the_first()
    {
        using var http = fixture.Channel.CreateClient();
        var key = Guid.NewGuid().ToString();
        var body = Inbound.Body("email", Inbound.NewEmail(), channel: "email");

        var first = await http.PostMessageAsync(body, idempotencyKey: key);
        var second = await http.PostMessageAsync(body, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<MessageDto>())!.Id, (await second.Content.ReadFromJsonAsync<MessageDto>())!.Id);
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(key));
    }

    [Fact]
    public async Task Stores_one_message_when_deliveries_with_the_same_external_id_race()
    {
        using var http = fixture.Channel.CreateClient();
        var externalId = "SM" + Guid.NewGuid().ToString("N");
        var body = Inbound.Body("phone", Inbound.NewDutchMobile(), channel: "sms", externalId: externalId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => http.PostMessageAsync(body)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.OK }));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<MessageDto>())!.Id));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(externalId));
    }

    [Fact]
    public async Task Keeps_the_same_external_id_on_two_channels_as_two_messages()
    {
        using var http = fixture.Channel.CreateClient();
        var externalId = Guid.NewGuid().ToString("N");
        var mobile = Inbound.NewDutchMobile();

        var sms = await http.PostMessageAsync(Inbound.Body("phone", mobile, channel: "sms", externalId: externalId));
        var whatsapp = await http.PostMessageAsync(Inbound.Body("phone", mobile, channel: "whatsapp", externalId: externalId));

        Assert.Equal(HttpStatusCode.Accepted, sms.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, whatsapp.StatusCode);
        Assert.Equal(2, await fixture.Database.CountMessagesMarkedAsync(externalId));
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_message()
    {
        using var http = fixture.Channel.CreateClient();

        var response = await http.GetAsync($"/api/v1/messages/{Guid.CreateVersion7()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
