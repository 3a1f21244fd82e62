using System.Net;
using System.Xml.Linq;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.Twilio.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Twilio;

[Collection(ChannelCollection.Name)]
public sealed class Receiving_a_twilio_sms(ChannelServiceFixture fixture)
{
    private readonly TwilioChannel _twilio = TwilioChannel.Of(fixture);

    [Fact]
    public async Task Answers_200_with_empty_twiml_stores_the_sms_resolves_the_sender_and_fetches_its_media_with_the_accounts_credentials()
    {
        await using var api = await TwilioApiStandIn.StartAsync();
        var number = await _twilio.AddNumberAsync(apiBaseUrl: api.BaseUrl);
        var customer = TwilioChannel.NewDutchMobile();
        var form = TwilioWebhooks.Sms(number, customer, "Mijn pakket is niet aangekomen, zie foto");
        var (photo, receipt) = (MediaFiles.Jpeg(30_000), MediaFiles.Pdf(8_000));
        form["NumMedia"] = "2";
        form["MediaUrl0"] = api.KeepMedia(number, form["MessageSid"], photo, "image/jpeg");
        form["MediaContentType0"] = "image/jpeg";
        form["MediaUrl1"] = api.KeepMedia(number, form["MessageSid"], receipt, "application/pdf");
        form["MediaContentType1"] = "application/pdf";
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", twiml.Root!.Name.LocalName);
        Assert.Empty(twiml.Root.Elements());

        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        Assert.Equal(("sms", "Inbound", "phone", customer), (stored.Channel, stored.Direction, stored.SenderKind, stored.SenderAddress));
        Assert.Equal("Mijn pakket is niet aangekomen, zie foto", stored.Text);
        // The form as Twilio posted it is kept beside what was read from it.
        var raw = (await _twilio.Database.RawPayloadAsync(stored.Id))!.Value;
        Assert.Equal("application/x-www-form-urlencoded", raw.ContentType);
        var posted = System.Web.HttpUtility.ParseQueryString(raw.Content);
        Assert.Equal(form.OrderBy(p => p.Key), posted.AllKeys.Select(k => new KeyValuePair<string, string>(k!, posted[k]!)).OrderBy(p => p.Key));
        Assert.Equal(number.AccountId, stored.AccountId);

        var received = await http.SettledAsync(stored.Id);
        Assert.Equal("received", received.Status);
        Assert.NotNull(received.CustomerId);
        var (_, announced) = await fixture.Announced.WaitFor(m => m.MessageId == stored.Id, "MessageReceived for the SMS");
        Assert.Equal(received.CustomerId, announced.CustomerId);
        Assert.Equal("sms", announced.Channel);

        var files = (await http.FilesSettledAsync(stored.Id)).Attachments;
        Assert.Equal([("stored", "image/jpeg"), ("stored", "application/pdf")], files.Select(f => (f.State, f.ContentType)).OrderBy(f => f.ContentType == "application/pdf"));
        Assert.Equal(photo, (await http.DownloadAsync(stored.Id, files.Single(f => f.ContentType == "image/jpeg").Id)).Content);
        Assert.Equal(receipt, (await http.DownloadAsync(stored.Id, files.Single(f => f.ContentType == "application/pdf").Id)).Content);
        // Basic auth to Twilio's API; the file store it redirects to never sees the credentials.
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{number.AccountSid}:{number.AuthToken}"));
        Assert.All(api.MediaCalls.Where(c => c.Path.Contains("/Media/")), c => Assert.Equal(basic, c.Authorization));
        Assert.All(api.MediaCalls.Where(c => c.Path.StartsWith("/files/")), c => Assert.Equal("", c.Authorization));
        Assert.Equal(2, api.MediaCalls.Count(c => c.Path.StartsWith("/files/")));
    }

    [Fact]
    public async Task Processes_a_replayed_message_sid_once_and_answers_200_both_times()
    {
        var number = await _twilio.AddNumberAsync();
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Hallo?");
        using var http = _twilio.CreateClient();

        var first = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);
        var again = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await _twilio.Database.CountByExternalIdAsync(form["MessageSid"]));
        var stored = (await _twilio.Database.FindAsync(form["MessageSid"]))!;
        await http.SettledAsync(stored.Id);
        Assert.Equal(1, await _twilio.Database.CountEventsAsync("MessageReceived", stored.Id));
    }

    [Fact]
    public async Task Refuses_a_forged_signature_with_401_and_stores_nothing()
    {
        var number = await _twilio.AddNumberAsync();
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Transfer money please");
        using var http = _twilio.CreateClient();

        var wrongToken = await http.PostSignedAsync("/webhooks/twilio/sms", form, "not-the-auth-token");
        var tampered = await SendTamperedAsync(http, number, form);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal("application/problem+json", wrongToken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Fact]
    public async Task Refuses_a_missing_signature_with_401_and_stores_nothing()
    {
        var number = await _twilio.AddNumberAsync();
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Hello");
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Fact]
    public async Task Checks_the_signature_over_the_public_url_not_the_address_the_service_was_reached_on()
    {
        var number = await _twilio.AddNumberAsync();
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Hello");
        using var http = _twilio.CreateClient();

        var internalUrl = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken, signedUrl: "http://localhost/webhooks/twilio/sms");

        Assert.Equal(HttpStatusCode.Unauthorized, internalUrl.StatusCode);
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Fact]
    public async Task Answers_404_for_a_number_no_account_has_without_saying_which_numbers_exist()
    {
        var number = await _twilio.AddNumberAsync();
        var elsewhere = number with { Number = TwilioChannel.NewTwilioNumber() };
        var form = TwilioWebhooks.Sms(elsewhere, TwilioChannel.NewDutchMobile(), "Hello?");
        using var http = _twilio.CreateClient();

        var signed = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);
        var unsigned = await http.PostSignedAsync("/webhooks/twilio/sms", form, "a-guessed-token");

        Assert.Equal(HttpStatusCode.NotFound, signed.StatusCode);
        var problem = await signed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number.Number, problem);
        Assert.DoesNotContain(elsewhere.Number, problem);
        // Without one of Omni's secrets, an unknown number looks exactly like a known one: refused.
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(0, await _twilio.Database.CountByExternalIdAsync(form["MessageSid"]));
    }

    [Fact]
    public async Task Answers_400_naming_the_missing_fields_of_a_malformed_webhook_and_stores_nothing()
    {
        var number = await _twilio.AddNumberAsync();
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Hello");
        form.Remove("From");
        form.Remove("MessageSid");
        form.Remove("SmsSid");
        form.Remove("SmsMessageSid");
        using var http = _twilio.CreateClient();

        var response = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken);

        Assert.Equivalent(new[] { "From", "MessageSid" }, await response.ProblemFieldsAsync());
        Assert.Equal(0, await _twilio.Database.CountForAccountAsync(number.AccountId));
    }

    [Fact]
    public async Task Accepts_a_webhook_signed_with_a_webhook_shared_key_and_hmac_sha256()
    {
        const string keyId = "webhooks_sharedkey_01jz8k2m3n4p5q6r7s8t9v0w1x";
        var sharedSecret = Guid.NewGuid().ToString("N");
        var number = await _twilio.AddNumberAsync(secrets: new Dictionary<string, string> { [$"sharedKey:{keyId}"] = sharedSecret });
        var form = TwilioWebhooks.Sms(number, TwilioChannel.NewDutchMobile(), "Signed with a shared key");
        var settings = new Dictionary<string, string> { ["X-Twilio-Webhooks-Signature-Settings"] = $"key={keyId},algorithm=HMAC_SHA256" };
        using var http = _twilio.CreateClient();

        var byAuthToken = await http.PostSignedAsync("/webhooks/twilio/sms", form, number.AuthToken, headers: settings, algorithm: "HMAC_SHA256");
        var byKey = await http.PostSignedAsync("/webhooks/twilio/sms", form, sharedSecret, headers: settings, algorithm: "HMAC_SHA256");

        // The header says which secret signed: the auth token no longer counts.
        Assert.Equal(HttpStatusCode.Unauthorized, byAuthToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(1, await _twilio.Database.CountByExternalIdAsync(form["MessageSid"]));
    }

    /// <summary>Signs the webhook as Twilio would, then changes the text on the way.</summary>
    private static async Task<HttpResponseMessage> SendTamperedAsync(HttpClient http, TwilioNumber number, Dictionary<string, string> form)
    {
        var signature = TwilioWebhooks.Sign(number.AuthToken, TwilioChannel.PublicBase + "/webhooks/twilio/sms", form);
        var changed = new Dictionary<string, string>(form) { ["Body"] = form["Body"] + " to NL00BANK0123456789" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/twilio/sms") { Content = new FormUrlEncodedContent(changed) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return await http.SendAsync(request);
    }
}
