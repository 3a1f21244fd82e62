using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.Twilio.Support;
using Omni.Routing.Grpc;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

[Collection(ChannelCollection.Name)]
public sealed class Answering_a_twilio_call(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Greets_a_dutch_caller_in_dutch_and_offers_a_call_back_on_key_1()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var callSid = TwilioChannel.NewSid("CA");
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice", TwilioWebhooks.Call(number, TwilioChannel.NewDutchMobile(), callSid), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Response", twiml.Name.LocalName);
        var gather = Assert.Single(twiml.Elements("Gather"));
        Assert.Equal("1", (string?)gather.Attribute("numDigits"));
        Assert.Equal(TwilioChannel.PublicBase + "/webhooks/twilio/voice/gather?lang=nl", (string?)gather.Attribute("action"));
        var offer = Assert.Single(gather.Elements("Say"));
        Assert.Equal("nl-NL", (string?)offer.Attribute("language"));
        Assert.Contains("Toets dan 1", offer.Value);
        // Routing does not know this caller (it answers unavailable): nothing is said about a position or a wait nobody knows.
        Assert.DoesNotMatch(@"\d+ (minuten|minutes)", offer.Value);
        Assert.Contains(twiml.Elements("Say"), say => (string?)say.Attribute("language") == "nl-NL");

        var started = (await _twilio.Database.FindAsync($"{callSid}:ringing"))!;
        Assert.Equal(("voice", "call-started"), (started.Channel, started.Metadata["event"]));
    }

    [Fact]
    public async Task Tells_a_queued_dutch_caller_their_place_in_the_queue_and_the_estimated_wait_from_routing()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, customerId) = await KnownCallerAsync(TwilioChannel.NewDutchMobile());
        _twilio.Routing.Answer(customerId, new ConversationStatusReply
        {
            ConversationId = Guid.CreateVersion7().ToString(), State = "queued", Position = 3, EstimatedWaitSeconds = 250, QueueName = "Bezorging",
        });
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice", TwilioWebhooks.Call(number, caller, TwilioChannel.NewSid("CA")), number.AuthToken);

        var said = Assert.Single(Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements("Gather")).Elements("Say"));
        Assert.Equal("nl-NL", (string?)said.Attribute("language"));
        Assert.Contains("Uw vraag staat bij ons open. U bent nummer 3 in de wachtrij. De verwachte wachttijd is ongeveer 4 minuten.", said.Value);
        Assert.Contains("Toets dan 1", said.Value);
    }

    [Fact]
    public async Task Tells_an_english_caller_their_place_but_no_wait_when_routing_cannot_estimate_one_and_names_the_agent_once_assigned()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, customerId) = await KnownCallerAsync("+447400" + Random.Shared.Next(100_000, 1_000_000));
        var conversationId = Guid.CreateVersion7().ToString();
        using var http = _twilio.CreateClient();

        // Nobody serves the queue yet: routing knows the place, not the wait (0).
        _twilio.Routing.Answer(customerId, new ConversationStatusReply { ConversationId = conversationId, State = "queued", Position = 1 });
        var queued = await GreetingAsync(http, number, caller);
        _twilio.Routing.Answer(customerId, new ConversationStatusReply { ConversationId = conversationId, State = "assigned", AgentFirstName = "Eva" });
        var assigned = await GreetingAsync(http, number, caller);

        Assert.Contains("Your question is open with us. You are number 1 in the queue.", queued);
        Assert.DoesNotContain("wait", queued);
        Assert.Contains("Your question is open with us. Eva is helping you.", assigned);
        Assert.DoesNotContain("queue", assigned);
    }

    [Fact]
    public async Task Says_nothing_of_a_conversation_routing_reports_resolved()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, customerId) = await KnownCallerAsync(TwilioChannel.NewDutchMobile());
        _twilio.Routing.Answer(customerId, new ConversationStatusReply { ConversationId = Guid.CreateVersion7().ToString(), State = "resolved" });
        using var http = _twilio.CreateClient();

        var said = await GreetingAsync(http, number, caller);

        Assert.DoesNotContain("open", said);
        Assert.StartsWith("Welkom, en bedankt voor uw telefoontje. Wilt u dat wij u terugbellen?", said);
    }

    [Fact]
    public async Task Greets_a_caller_from_abroad_in_english()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice",
            TwilioWebhooks.Call(number, "+447700900" + Random.Shared.Next(100, 1000), TwilioChannel.NewSid("CA")), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var gather = Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements("Gather"));
        Assert.EndsWith("?lang=en", (string?)gather.Attribute("action"));
        var offer = Assert.Single(gather.Elements("Say"));
        Assert.StartsWith("en-", (string?)offer.Attribute("language"));
        Assert.Contains("press 1", offer.Value);
    }

    [Fact]
    public async Task Pressing_1_puts_a_call_back_request_in_the_callers_conversation_once()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var caller = TwilioChannel.NewDutchMobile();
        var callSid = TwilioChannel.NewSid("CA");
        var form = TwilioWebhooks.Call(number, caller, callSid, status: "in-progress");
        form["Digits"] = "1";
        form["FinishedOnKey"] = "";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl", form, number.AuthToken);
        var pressedAgain = await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pressedAgain.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Contains("bellen u zo snel mogelijk terug", Assert.Single(twiml.Elements("Say")).Value);
        Assert.Single(twiml.Elements("Hangup"));

        var request = (await _twilio.Database.FindAsync($"{callSid}:callback-request"))!;
        Assert.Equal(1, await _twilio.Database.CountByExternalIdAsync($"{callSid}:callback-request"));
        Assert.Equal(("voice", "phone", caller), (request.Channel, request.SenderKind, request.SenderAddress));
        Assert.Equal("callback-request", request.Metadata["kind"]);
        Assert.Equal("Call-back requested", request.Text);
        // Routable like any message: resolved to the caller's customer and announced to routing.
        var received = await http.SettledAsync(request.Id);
        Assert.NotNull(received.CustomerId);
        var (_, announced) = await fixture.Announced.WaitFor(m => m.MessageId == request.Id, "MessageReceived for the call-back request");
        Assert.Equal(("voice", received.CustomerId), (announced.Channel, (Guid?)announced.CustomerId));
    }

    [Fact]
    public async Task A_reply_to_a_caller_goes_out_as_a_text_from_the_number_they_called()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice, apiBaseUrl: api.BaseUrl);
        var caller = TwilioChannel.NewDutchMobile();
        var callSid = TwilioChannel.NewSid("CA");
        var press = TwilioWebhooks.Call(number, caller, callSid, status: "in-progress");
        press["Digits"] = "1";
        using var http = _twilio.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl", press, number.AuthToken)).StatusCode);
        var request = await http.SettledAsync((await _twilio.Database.FindAsync($"{callSid}:callback-request"))!.Id);

        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId = request.CustomerId, text = "We bellen u om 14:00." });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Equal("voice", queued.Channel);
        await Eventually.True(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" }, "the text to be sent");
        var call = Assert.Single(api.Calls);
        Assert.Equal((number.Number, caller, "We bellen u om 14:00."), (call.Form["From"], call.Form["To"], call.Form["Body"]));

        // Twilio reports on it like on any text, from the number it was sent from.
        var sid = api.IssuedSids.Single();
        var delivered = await http.PostSignedAsync("/webhooks/twilio/sms/status", new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["MessageStatus"] = "delivered", ["AccountSid"] = number.AccountSid, ["From"] = number.Number, ["To"] = caller,
        }, number.AuthToken);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("Delivered", (await _twilio.Database.FindAsync(queued.Id))!.Status);
    }

    [Fact]
    public async Task Another_key_ends_the_call_politely_and_stores_no_request()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var callSid = TwilioChannel.NewSid("CA");
        var form = TwilioWebhooks.Call(number, "+447700900" + Random.Shared.Next(100, 1000), callSid, status: "in-progress");
        form["Digits"] = "7";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=en", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements("Hangup"));
        Assert.Equal(0, await _twilio.Database.CountByExternalIdAsync($"{callSid}:callback-request"));
    }

    [Fact]
    public async Task Call_status_callbacks_become_call_events_with_duration_and_recording_once()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var caller = TwilioChannel.NewDutchMobile();
        var callSid = TwilioChannel.NewSid("CA");
        var completed = TwilioWebhooks.Call(number, caller, callSid, status: "completed");
        completed["CallDuration"] = "125";
        completed["Duration"] = "3";
        completed["RecordingUrl"] = $"https://api.twilio.com/2010-04-01/Accounts/{number.AccountSid}/Recordings/RE{Guid.NewGuid():N}";
        using var http = _twilio.CreateClient();

        var first = await http.PostSignedAsync("/webhooks/twilio/voice/status", completed, number.AuthToken);
        var repeat = await http.PostSignedAsync("/webhooks/twilio/voice/status", completed, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(1, await _twilio.Database.CountByExternalIdAsync($"{callSid}:completed"));
        var ended = (await _twilio.Database.FindAsync($"{callSid}:completed"))!;
        Assert.Equal(("voice", "phone", caller), (ended.Channel, ended.SenderKind, ended.SenderAddress));
        Assert.Equal("call-ended", ended.Metadata["event"]);
        Assert.Equal("125", ended.Metadata["duration"]);
        Assert.Equal(completed["RecordingUrl"], ended.Metadata["recording"]);
        Assert.Equal("received", (await http.SettledAsync(ended.Id)).Status);
    }

    /// <summary>A number identity knows: its owner wrote before, so the caller resolves to a customer.</summary>
    private async Task<(string Number, Guid CustomerId)> KnownCallerAsync(string number)
    {
        using var http = _twilio.CreateClient();
        var written = await http.PostAcceptedAsync(Inbound.Body("phone", number, "Ik bel zo even"));
        return (number, (await http.SettledAsync(written.Id)).CustomerId!.Value);
    }

    /// <summary>What the caller hears before the call-back offer's keypress.</summary>
    private static async Task<string> GreetingAsync(HttpClient http, TwilioNumber number, string caller)
    {
        var response = await http.PostSignedAsync("/webhooks/twilio/voice", TwilioWebhooks.Call(number, caller, TwilioChannel.NewSid("CA")), number.AuthToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements("Gather")).Elements("Say")).Value;
    }

    [Fact]
    public async Task Refuses_forged_voice_webhooks_with_401_and_stores_nothing()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var callSid = TwilioChannel.NewSid("CA");
        var call = TwilioWebhooks.Call(number, TwilioChannel.NewDutchMobile(), callSid);
        var press = new Dictionary<string, string>(call) { ["Digits"] = "1" };
        var status = new Dictionary<string, string>(call) { ["CallStatus"] = "completed", ["CallDuration"] = "10" };
        using var http = _twilio.CreateClient();

        var responses = new[]
        {
            await http.PostSignedAsync("/webhooks/twilio/voice", call, "forged"),
            await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl", press, secret: null),
            await http.PostSignedAsync("/webhooks/twilio/voice/status", status, "forged"),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }
}
