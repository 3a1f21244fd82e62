using System.Net;
using System.Net.Http.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.Twilio.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

/// <summary>The Messaging webhook with everything Twilio really posts: geography, segments, MMS without words, WhatsApp senders.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Receiving_twilio_messages_as_twilio_sends_them(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Stores_an_sms_with_every_parameter_twilio_sends_and_its_unicode_text_unchanged()
    {
        var number = await _twilio.AddNumberAsync();
        var customer = TwilioChannel.NewDutchMobile();
        const string body = "Héllo 👋🏽 — mijn pakket (#1042) is nog niet bezorgd. Ça va? Ωμέγα 漢字";
        var form = FullSms(number, customer, body);
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        Assert.Equal(("sms", "phone", customer, body), (stored.Channel, stored.SenderKind, stored.SenderAddress, stored.Text));
        Assert.Equal(form["MessagingServiceSid"], stored.Metadata["messagingServiceSid"]);
        Assert.Equal("1", stored.Metadata["numSegments"]);
        Assert.Equal("received", (await http.SettledAsync(stored.Id)).Status);
    }

    [Fact]
    public async Task Stores_the_longest_text_twilio_delivers_whole()
    {
        var number = await _twilio.AddNumberAsync();
        // Ten concatenated segments, the most Twilio reassembles into one message.
        var body = string.Concat(Enumerable.Repeat("Lange klacht over de levering. ", 52))[..1600];
        var form = FullSms(number, TwilioChannel.NewDutchMobile(), body);
        form["NumSegments"] = "10";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, (await _twilio.Database.FindAsync(form["MessageSid"]))!.Text);
    }

    [Fact]
    public async Task Says_what_came_when_an_mms_has_media_but_no_text()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var number = await _twilio.AddNumberAsync(apiBaseUrl: api.BaseUrl);
        var form = FullSms(number, TwilioChannel.NewDutchMobile(), "");
        form["NumMedia"] = "1";
        form["MediaUrl0"] = api.KeepMedia(number, form["MessageSid"], MediaFiles.Jpeg(10_000), "image/jpeg");
        form["MediaContentType0"] = "image/jpeg";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        Assert.Equal("[image]", stored.Text);
        var file = Assert.Single(await _twilio.Database.AttachmentsAsync(stored.Id));
        Assert.Equal(("media0.jpg", "image/jpeg"), (file.FileName, file.ContentType));
    }

    [Fact]
    public async Task Takes_a_whatsapp_message_through_twilio_as_the_customers_whatsapp_and_answers_on_whatsapp()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var number = await _twilio.AddNumberAsync(apiBaseUrl: api.BaseUrl);
        var customer = TwilioChannel.NewDutchMobile();
        var form = FullSms(number, "whatsapp:" + customer, "Kan ik mijn bestelling nog wijzigen? 🙏");
        form["To"] = "whatsapp:" + number.Number;
        form["ProfileName"] = "Sanne de Vries";
        form["WaId"] = customer[1..];
        form["MessageType"] = "text";
        form["Forwarded"] = "false";
        form["ChannelMetadata"] = """{"type":"whatsapp","data":{"context":{"ProfileName":"Sanne de Vries","WaId":"WAID"}}}""".Replace("WAID", customer[1..]);
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        // The same identity Meta's own WhatsApp webhook gives the customer: kind whatsapp, "+" and the number.
        Assert.Equal(("sms", "whatsapp", customer), (stored.Channel, stored.SenderKind, stored.SenderAddress));
        Assert.Equal("Sanne de Vries", stored.Metadata["displayName"]);
        Assert.Equal("whatsapp", stored.Metadata["twilioChannel"]);
        var received = await http.SettledAsync(stored.Id);
        Assert.Equal("received", received.Status);

        var reply = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId = received.CustomerId, text = "Ja, tot vanavond." });

        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var queued = (await reply.Content.ReadFromJsonAsync<MessageDto>())!;
        await Eventually.True(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" }, "the reply to be sent");
        // Twilio sends on WhatsApp when both ends carry the prefix (an SMS to a WhatsApp conversation would be refused).
        var call = Assert.Single(api.Calls);
        Assert.Equal(("whatsapp:" + number.Number, "whatsapp:" + customer), (call.Form["From"], call.Form["To"]));
    }

    [Fact]
    public async Task Keeps_a_location_shared_on_whatsapp_through_twilio_as_coordinates_and_a_readable_text()
    {
        var number = await _twilio.AddNumberAsync();
        var customer = TwilioChannel.NewDutchMobile();
        var form = FullSms(number, "whatsapp:" + customer, "");
        form["To"] = "whatsapp:" + number.Number;
        form["MessageType"] = "location";
        form["Latitude"] = "52.3731";
        form["Longitude"] = "4.8922";
        form["Label"] = "De Dam";
        form["Address"] = "Dam 1, 1012 JS Amsterdam";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        Assert.Equal("Location: De Dam, Dam 1, 1012 JS Amsterdam (52.3731, 4.8922)", stored.Text);
        Assert.Equal(("52.3731", "4.8922", "location"), (stored.Metadata["latitude"], stored.Metadata["longitude"], stored.Metadata["type"]));
    }

    [Fact]
    public async Task Keeps_the_payload_of_a_whatsapp_quick_reply_button_tapped_through_twilio()
    {
        var number = await _twilio.AddNumberAsync();
        var customer = TwilioChannel.NewDutchMobile();
        var form = FullSms(number, "whatsapp:" + customer, "Bel me terug");
        form["To"] = "whatsapp:" + number.Number;
        form["MessageType"] = "button";
        form["ButtonText"] = "Bel me terug";
        form["ButtonPayload"] = "callback-yes";
        form["OriginalRepliedMessageSid"] = TwilioChannel.NewSid("SM");
        form["OriginalRepliedMessageSender"] = "whatsapp:" + number.Number;
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        Assert.Equal("Bel me terug", stored.Text);
        Assert.Equal(("button", "callback-yes", form["OriginalRepliedMessageSid"]),
            (stored.Metadata["replyType"], stored.Metadata["replyId"], stored.Metadata["replyTo"]));
    }

    /// <summary>Every parameter of Twilio's Messaging webhook for an SMS, as its documentation lists them.</summary>
    private static Dictionary<string, string> FullSms(TwilioNumber to, string from, string body)
    {
        var sid = TwilioChannel.NewSid("SM");
        return new Dictionary<string, string>
        {
            ["ToCountry"] = "NL",
            ["ToState"] = "",
            ["SmsMessageSid"] = sid,
            ["NumMedia"] = "0",
            ["ToCity"] = "",
            ["FromZip"] = "",
            ["SmsSid"] = sid,
            ["FromState"] = "",
            ["SmsStatus"] = "received",
            ["FromCity"] = "",
            ["Body"] = body,
            ["FromCountry"] = "NL",
            ["To"] = to.Number,
            ["MessagingServiceSid"] = TwilioChannel.NewSid("MG"),
            ["ToZip"] = "",
            ["NumSegments"] = "1",
            ["ReferralNumMedia"] = "0",
            ["MessageSid"] = sid,
            ["AccountSid"] = to.AccountSid,
            ["From"] = from,
            ["ApiVersion"] = "2010-04-01",
        };
    }
}
