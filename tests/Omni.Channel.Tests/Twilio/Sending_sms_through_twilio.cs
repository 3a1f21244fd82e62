using System.Net;
using System.Net.Http.Json;
using System.Text;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.Twilio.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

[Collection(ChannelCollection.Name)]
public sealed class Sending_sms_through_twilio(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Posts_the_reply_to_twilio_in_its_rest_shape_and_keeps_twilios_message_sid()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, customerId) = await CustomerWhoTextedAsync(api);
        using var http = _twilio.CreateClient();

        var queued = await QueueReplyAsync(http, customerId, "Uw pakket komt morgen.");

        var sent = await Eventually.Get(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" } m ? m : null, "the reply to be sent");
        var call = Assert.Single(api.Calls);
        Assert.Equal($"/2010-04-01/Accounts/{number.AccountSid}/Messages.json", call.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{number.AccountSid}:{number.AuthToken}")), call.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", call.ContentType);
        Assert.Equal(customerNumber, call.Form["To"]);
        Assert.Equal(number.Number, call.Form["From"]);
        Assert.Equal("Uw pakket komt morgen.", call.Form["Body"]);
        Assert.Equal(TwilioChannel.PublicBase + "/webhooks/twilio/sms/status", call.Form["StatusCallback"]);
        Assert.Equal(api.IssuedSids.Single(), sent.ExternalId);
    }

    [Fact]
    public async Task Retries_after_twilio_answers_500_and_sends_once_twilio_accepts()
    {
        await using var api = await TwilioApiStandIn.StartAsync(
            TwilioApiAnswer.Error(HttpStatusCode.InternalServerError, 20500, "Internal Server Error"));
        var (_, _, customerId) = await CustomerWhoTextedAsync(api);
        using var http = _twilio.CreateClient();

        var queued = await QueueReplyAsync(http, customerId, "We kijken ernaar.");

        var sent = await Eventually.Get(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" } m ? m : null, "the reply to be sent");
        Assert.Equal(2, api.Calls.Count);
        Assert.Equal(api.IssuedSids.Single(), sent.ExternalId);
        Assert.Equal(0, await _twilio.Database.CountEventsAsync("DeliveryFailed", queued.Id));
    }

    [Fact]
    public async Task Fails_at_once_when_twilio_refuses_with_400_and_publishes_delivery_failed_with_twilios_reason()
    {
        await using var api = await TwilioApiStandIn.StartAsync(
            TwilioApiAnswer.Error(HttpStatusCode.BadRequest, 21211, "The 'To' number +31600000000 is not a valid phone number."));
        var (_, _, customerId) = await CustomerWhoTextedAsync(api);
        using var http = _twilio.CreateClient();

        var queued = await QueueReplyAsync(http, customerId, "Hallo!");

        var failed = await Eventually.Get(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Failed" } m ? m : null, "the reply to fail");
        Assert.Contains("21211", failed.StatusReason);
        Assert.Contains("not a valid phone number", failed.StatusReason);
        // Reasons travel in events and logs: no phone numbers in them.
        Assert.DoesNotContain("+31600000000", failed.StatusReason);
        Assert.Single(api.Calls);
        Assert.Equal(1, await _twilio.Database.CountEventsAsync("DeliveryFailed", queued.Id));
    }

    [Fact]
    public async Task Refuses_a_text_longer_than_twilio_takes_with_422_before_queueing_it()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (_, _, customerId) = await CustomerWhoTextedAsync(api);
        using var http = _twilio.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId, text = new string('a', 1601) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("1600", await response.Content.ReadAsStringAsync());
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Sends_quick_replies_as_a_reply_line_under_the_text_because_a_text_message_has_no_buttons()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (_, _, customerId) = await CustomerWhoTextedAsync(api);
        using var http = _twilio.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId, text = "Is uw vraag beantwoord?", actions = new[] { "Ja", "Praat met een medewerker" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Equal("agent", queued.Sender);
        Assert.Equal(["Ja", "Praat met een medewerker"], queued.Actions);
        await Eventually.True(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" }, "the text to be sent");
        Assert.Equal("Is uw vraag beantwoord?\n\nReply: Ja | Praat met een medewerker", Assert.Single(api.Calls).Form["Body"]);
        // The transcript keeps the text as written, the options beside it.
        Assert.Equal("Is uw vraag beantwoord?", (await http.GetMessageAsync(queued.Id)).Text);
    }

    /// <summary>A customer texted a number whose account talks to <paramref name="api"/>; their message is resolved.</summary>
    private async Task<(TwilioNumber Number, string CustomerNumber, Guid CustomerId)> CustomerWhoTextedAsync(TwilioApiStandIn api)
    {
        var number = await _twilio.AddNumberAsync(apiBaseUrl: api.BaseUrl);
        var customerNumber = TwilioChannel.NewDutchMobile();
        var form = TwilioWebhooks.Sms(number, customerNumber, "Waar blijft mijn bestelling?");
        using var http = _twilio.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken)).StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        var received = await http.SettledAsync(stored.Id);
        return (number, customerNumber, received.CustomerId!.Value);
    }

    private static async Task<MessageDto> QueueReplyAsync(HttpClient http, Guid customerId, string text)
    {
        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId, text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Equal("sms", queued.Channel);
        return queued;
    }
}
