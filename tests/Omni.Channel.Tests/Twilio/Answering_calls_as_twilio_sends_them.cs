using System.Net;
using System.Xml.Linq;
using Omni.Channel.Accounts;
using Omni.Channel.Tests.Twilio.Support;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

/// <summary>Twilio's Voice webhooks with everything Twilio really posts: withheld numbers, every call status, any key.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Answering_calls_as_twilio_sends_them(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Greets_a_call_with_every_parameter_twilio_sends_and_records_its_start()
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, callSid) = (TwilioChannel.NewDutchMobile(), TwilioChannel.NewSid("CA"));
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice", FullCall(number, caller, callSid), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements("Gather"));
        Assert.Equal(caller, (await _twilio.Database.FindAsync($"{callSid}:ringing"))!.SenderAddress);
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("Anonymous")]
    [InlineData("+266696687")]
    [InlineData("+7378742833")]
    [InlineData("")]
    public async Task Greets_a_caller_who_withholds_their_number_without_offering_a_call_back_and_stores_nothing(string from)
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var callSid = TwilioChannel.NewSid("CA");
        var call = FullCall(number, from, callSid);
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice", call, number.AuthToken);
        var ended = await http.PostSignedAsync("/webhooks/twilio/voice/status",
            new Dictionary<string, string>(call) { ["CallStatus"] = "completed", ["CallDuration"] = "40" }, number.AuthToken);
        var pressed = await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl",
            new Dictionary<string, string>(call) { ["CallStatus"] = "in-progress", ["Digits"] = "1" }, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Empty(twiml.Elements("Gather"));
        // The number called is Dutch: the caller hears Dutch, and that there is no number to call back.
        var said = Assert.Single(twiml.Elements("Say"));
        Assert.Equal("nl-NL", (string?)said.Attribute("language"));
        Assert.Contains("niet terugbellen", said.Value);
        Assert.Single(twiml.Elements("Hangup"));
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        Assert.DoesNotContain("terug op dit nummer", await pressed.Content.ReadAsStringAsync());
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Theory]
    [InlineData("queued")]
    [InlineData("initiated")]
    [InlineData("ringing")]
    [InlineData("in-progress")]
    public async Task Acknowledges_a_call_in_progress_report_without_a_second_call_started_event(string status)
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, callSid) = (TwilioChannel.NewDutchMobile(), TwilioChannel.NewSid("CA"));
        using var http = _twilio.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostSignedAsync("/webhooks/twilio/voice", FullCall(number, caller, callSid), number.AuthToken)).StatusCode);

        var response = await http.PostSignedAsync("/webhooks/twilio/voice/status", FullCall(number, caller, callSid, status), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Only the start recorded when the call came in.
        Assert.Equal(1, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Theory]
    [InlineData("completed", "Call ended")]
    [InlineData("busy", "Call ended without a conversation (busy)")]
    [InlineData("no-answer", "Call ended without a conversation (no-answer)")]
    [InlineData("failed", "Call ended without a conversation (failed)")]
    [InlineData("canceled", "Call ended without a conversation (canceled)")]
    public async Task Records_the_end_of_a_call_whatever_its_final_status_without_duration_or_recording(string status, string text)
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var (caller, callSid) = (TwilioChannel.NewDutchMobile(), TwilioChannel.NewSid("CA"));
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice/status", FullCall(number, caller, callSid, status), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ended = (await _twilio.Database.FindAsync($"{callSid}:{status}"))!;
        Assert.Equal(("call-ended", text), (ended.Metadata["event"], ended.Text));
        Assert.False(ended.Metadata.ContainsKey("duration"));
        Assert.False(ended.Metadata.ContainsKey("recording"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("#")]
    [InlineData("12")]
    public async Task Says_goodbye_for_any_key_but_1_or_none_and_stores_no_request(string? digits)
    {
        var number = await _twilio.AddNumberAsync(AccountKinds.Voice);
        var callSid = TwilioChannel.NewSid("CA");
        var form = FullCall(number, TwilioChannel.NewDutchMobile(), callSid, "in-progress");
        if (digits is not null) form["Digits"] = digits;
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/voice/gather?lang=nl", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Contains("Tot ziens", Assert.Single(twiml.Elements("Say")).Value);
        Assert.Single(twiml.Elements("Hangup"));
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    /// <summary>Every parameter of Twilio's Voice webhook for an incoming call, as its documentation lists them.</summary>
    private static Dictionary<string, string> FullCall(TwilioNumber to, string from, string callSid, string status = "ringing") => new()
    {
        ["AccountSid"] = to.AccountSid,
        ["ApiVersion"] = "2010-04-01",
        ["CallSid"] = callSid,
        ["CallStatus"] = status,
        ["CallToken"] = "%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiJ9%22%7D",
        ["Called"] = to.Number,
        ["CalledCity"] = "",
        ["CalledCountry"] = "NL",
        ["CalledState"] = "",
        ["CalledZip"] = "",
        ["Caller"] = from,
        ["CallerCity"] = "",
        ["CallerCountry"] = from.StartsWith("+31", StringComparison.Ordinal) ? "NL" : "",
        ["CallerState"] = "",
        ["CallerZip"] = "",
        ["Direction"] = "inbound",
        ["From"] = from,
        ["FromCity"] = "",
        ["FromCountry"] = from.StartsWith("+31", StringComparison.Ordinal) ? "NL" : "",
        ["FromState"] = "",
        ["FromZip"] = "",
        ["StirVerstat"] = "TN-Validation-Passed-A",
        ["To"] = to.Number,
        ["ToCity"] = "",
        ["ToCountry"] = "NL",
        ["ToState"] = "",
        ["ToZip"] = "",
    };
}
