using System.Net;
using System.Net.Http.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.Twilio.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

[Collection(ChannelCollection.Name)]
public sealed class Reporting_sms_delivery(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Status_callbacks_move_the_delivery_state_forward_only()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, sent) = await SentReplyAsync(api);
        using var http = _twilio.CreateClient();

        var delivered = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "delivered"), number.AuthToken);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("Delivered", (await _twilio.Database.FindAsync(sent.Id))!.Status);

        // Twilio's callbacks can arrive late and out of order: an earlier state changes nothing.
        var lateSent = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "sent"), number.AuthToken);
        var lateQueued = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "queued"), number.AuthToken);
        var repeated = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "delivered"), number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, lateSent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, lateQueued.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal("Delivered", (await _twilio.Database.FindAsync(sent.Id))!.Status);
        // One MessageDelivered when Twilio took it ("sent"), one for "delivered"; the late and repeated reports add none.
        Assert.Equal(2, await _twilio.Database.CountEventsAsync("MessageDelivered", sent.Id));
    }

    [Fact]
    public async Task An_undelivered_report_fails_the_message_with_twilios_error_code_and_publishes_delivery_failed()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, sent) = await SentReplyAsync(api);
        using var http = _twilio.CreateClient();
        var form = Status(number, customerNumber, sent.ExternalId!, "undelivered");
        form["ErrorCode"] = "30003";

        var response = await http.PostSignedAsync("/webhooks/twilio/sms/status", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = (await _twilio.Database.FindAsync(sent.Id))!;
        Assert.Equal("Failed", failed.Status);
        Assert.Contains("30003", failed.StatusReason);
        Assert.Equal(1, await _twilio.Database.CountEventsAsync("DeliveryFailed", sent.Id));
    }

    [Fact]
    public async Task Refuses_an_unsigned_status_callback_with_401_and_changes_nothing()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, sent) = await SentReplyAsync(api);
        using var http = _twilio.CreateClient();

        var unsigned = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "failed"), secret: null);
        var forged = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "failed"), "guessed");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("Sent", (await _twilio.Database.FindAsync(sent.Id))!.Status);
    }

    [Fact]
    public async Task Acknowledges_every_status_that_does_not_move_delivery_forward_and_changes_nothing()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, sent) = await SentReplyAsync(api);
        using var http = _twilio.CreateClient();

        foreach (var status in new[] { "accepted", "scheduled", "queued", "sending", "receiving", "received", "partially_delivered" })
        {
            var response = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, status), number.AuthToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{status}: {(int)response.StatusCode}");
        }

        Assert.Equal("Sent", (await _twilio.Database.FindAsync(sent.Id))!.Status);
        Assert.Equal(1, await _twilio.Database.CountEventsAsync("MessageDelivered", sent.Id));

        var read = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, sent.ExternalId!, "read"), number.AuthToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("Read", (await _twilio.Database.FindAsync(sent.Id))!.Status);
    }

    [Theory]
    [InlineData("failed", "30008", "Unknown error")]
    [InlineData("undelivered", "30005", "Unknown destination handset")]
    [InlineData("canceled", null, null)]
    public async Task A_final_report_fails_the_message_with_twilios_code_and_no_phone_number_in_the_reason(string status, string? code, string? message)
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var (number, customerNumber, sent) = await SentReplyAsync(api);
        using var http = _twilio.CreateClient();
        var form = Status(number, customerNumber, sent.ExternalId!, status);
        if (code is not null) form["ErrorCode"] = code;
        if (message is not null) form["ErrorMessage"] = $"{message} for {customerNumber}";

        var response = await http.PostSignedAsync("/webhooks/twilio/sms/status", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = (await _twilio.Database.FindAsync(sent.Id))!;
        Assert.Equal("Failed", failed.Status);
        Assert.Contains(status, failed.StatusReason);
        if (code is not null) Assert.Contains(code, failed.StatusReason);
        Assert.DoesNotContain(customerNumber, failed.StatusReason);
        Assert.Equal(1, await _twilio.Database.CountEventsAsync("DeliveryFailed", sent.Id));
    }

    [Fact]
    public async Task Acknowledges_reports_on_messages_omni_did_not_send_and_stores_nothing()
    {
        var number = await _twilio.AddNumberAsync();
        var elsewhere = number with { Number = TwilioChannel.NewTwilioNumber() };
        var (unknownSid, customerNumber) = (TwilioChannel.NewSid("SM"), TwilioChannel.NewDutchMobile());
        using var http = _twilio.CreateClient();

        // Sent from the number by someone else (the console, another app), from a number Omni has no account for, and
        // the "received" report on a customer's own text.
        var notOurs = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(number, customerNumber, unknownSid, "delivered"), number.AuthToken);
        var otherNumber = await http.PostSignedAsync("/webhooks/twilio/sms/status", Status(elsewhere, customerNumber, unknownSid, "failed"), number.AuthToken);
        var inbound = Status(number, customerNumber, TwilioChannel.NewSid("SM"), "received");
        (inbound["From"], inbound["To"]) = (customerNumber, number.Number);
        var customersText = await http.PostSignedAsync("/webhooks/twilio/sms/status", inbound, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, notOurs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherNumber.StatusCode);
        Assert.Equal(HttpStatusCode.OK, customersText.StatusCode);
        Assert.Equal(0, await _twilio.Database.CountByExternalIdAsync(unknownSid));
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    /// <summary>A status callback as Twilio posts it for a message Omni sent from <paramref name="number"/>.</summary>
    private static Dictionary<string, string> Status(TwilioNumber number, string customerNumber, string messageSid, string status) => new()
    {
        ["SmsSid"] = messageSid,
        ["SmsStatus"] = status,
        ["MessageStatus"] = status,
        ["To"] = customerNumber,
        ["MessageSid"] = messageSid,
        ["AccountSid"] = number.AccountSid,
        ["From"] = number.Number,
        ["ApiVersion"] = "2010-04-01",
    };

    /// <summary>A customer texted; the reply to them went out through the stand-in and is "sent".</summary>
    private async Task<(TwilioNumber Number, string CustomerNumber, StoredMessage Sent)> SentReplyAsync(TwilioApiStandIn api)
    {
        var number = await _twilio.AddNumberAsync(apiBaseUrl: api.BaseUrl);
        var customerNumber = TwilioChannel.NewDutchMobile();
        var form = TwilioWebhooks.Sms(number, customerNumber, "Is mijn bestelling al verstuurd?");
        using var http = _twilio.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken)).StatusCode);
        var received = await http.SettledAsync((await _twilio.Database.FindAsync(form["MessageSid"]))!.Id);

        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId = received.CustomerId, text = "Ja, vandaag." });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        var sent = await Eventually.Get(async () => await _twilio.Database.FindAsync(queued.Id) is { Status: "Sent" } m ? m : null, "the reply to be sent");
        return (number, customerNumber, sent);
    }
}
