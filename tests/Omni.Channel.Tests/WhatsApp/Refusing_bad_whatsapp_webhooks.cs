using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

[Collection(ChannelCollection.Name)]
public sealed class Refusing_bad_whatsapp_webhooks(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Theory]
    [InlineData("no signature")]
    [InlineData("an empty signature")]
    [InlineData("a signature without the sha256= prefix")]
    [InlineData("a signature that is not hex")]
    [InlineData("the signature of another app's secret")]
    [InlineData("the signature of a different body")]
    [InlineData("a truncated signature")]
    public async Task Answers_401_and_stores_nothing_for(string signatureKind)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        var body = MetaWebhook.Serialize(MetaWebhook.Messages(number.PhoneNumberId, waId, "Mallory", MetaWebhook.Text(waId, wamid, "Forged")));
        var valid = MetaWebhook.Sign(body, number.AppSecret);
        var signature = signatureKind switch
        {
            "no signature" => null,
            "an empty signature" => "",
            "a signature without the sha256= prefix" => valid["sha256=".Length..],
            "a signature that is not hex" => "sha256=" + new string('z', 64),
            "the signature of another app's secret" => MetaWebhook.Sign(body, "another-app-secret"),
            "the signature of a different body" => MetaWebhook.Sign([.. body, (byte)' '], number.AppSecret),
            "a truncated signature" => valid[..^2],
            _ => throw new ArgumentOutOfRangeException(nameof(signatureKind)),
        };

        var response = await http.PostWebhookAsync(body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(wamid));
        Assert.Equal(0, await _rows.CountMessagesOfAccountAsync(number.AccountId));
    }

    [Theory]
    [InlineData("no signature")]
    [InlineData("a signature with a secret Omni does not know")]
    public async Task Tells_a_sender_who_cannot_sign_nothing_about_which_numbers_exist(string signatureKind)
    {
        using var http = fixture.Channel.CreateClient();
        var known = await http.CreateWhatsAppAccountAsync();
        foreach (var number in new[] { known.PhoneNumberId, MetaWebhook.NewPhoneNumberId() })
        {
            var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
            var body = MetaWebhook.Serialize(MetaWebhook.Messages(number, waId, "Mallory", MetaWebhook.Text(waId, wamid, "Bestaat dit nummer?")));
            var signature = signatureKind == "no signature" ? null : MetaWebhook.Sign(body, "a-secret-omni-does-not-know");

            var response = await http.PostWebhookAsync(body, signature);

            // The same answer for a number that exists and one that does not.
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(wamid));
        }
    }

    [Fact]
    public async Task Answers_404_the_same_way_for_every_phone_number_id_no_account_has_and_stores_nothing()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var details = new List<string>();
        foreach (var unknown in new[] { MetaWebhook.NewPhoneNumberId(), MetaWebhook.NewPhoneNumberId() })
        {
            var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());

            // Even signed with a secret Omni knows: the number decides which account's secret applies.
            var response = await http.PostWebhookAsync(MetaWebhook.Messages(unknown, waId, "Sanne", MetaWebhook.Text(waId, wamid, "Hallo")), number.AppSecret);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(unknown, problem);
            Assert.DoesNotContain(number.PhoneNumberId, problem);
            details.Add(JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString()!);
            Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(wamid));
        }
        Assert.Single(details.Distinct());
    }

    [Theory]
    [InlineData("malformed JSON", """{ "object": "whatsapp_business_account", "entry": [ MARKER""", "body")]
    [InlineData("a JSON array", """["whatsapp_business_account", "MARKER"]""", "body")]
    [InlineData("another object kind", """{ "object": "page", "entry": [], "marker": "MARKER" }""", "object")]
    [InlineData("no entries", """{ "object": "whatsapp_business_account", "marker": "MARKER" }""", "entry")]
    [InlineData("changes that are not a list", """{ "object": "whatsapp_business_account", "entry": [ { "id": "MARKER", "changes": {} } ] }""", "entry[0].changes")]
    [InlineData("no business number", """{ "object": "whatsapp_business_account", "entry": [ { "changes": [ { "field": "messages", "value": { "messages": [ { "from": "31612345678", "id": "MARKER", "type": "text", "text": { "body": "hi" } } ] } } ] } ] }""", "entry[0].changes[0].value.metadata.phone_number_id")]
    [InlineData("messages that are not a list", """{ "object": "whatsapp_business_account", "entry": [ { "changes": [ { "field": "messages", "value": { "metadata": { "phone_number_id": "NUMBER" }, "messages": { "id": "MARKER" } } } ] } ] }""", "entry[0].changes[0].value.messages")]
    public async Task Answers_400_naming_the_field_and_stores_nothing_for(string _, string template, string field)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var marker = MetaWebhook.NewWamid();
        var body = Encoding.UTF8.GetBytes(template.Replace("MARKER", marker).Replace("NUMBER", number.PhoneNumberId));

        var response = await http.PostWebhookAsync(body, MetaWebhook.Sign(body, number.AppSecret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([field], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
        Assert.Equal(0, await _rows.CountMessagesOfAccountAsync(number.AccountId));
    }

    [Theory]
    [InlineData("no message id", """{ "from": "WAID", "timestamp": "1749416383", "type": "text", "text": { "body": "MARKER" } }""", "id")]
    [InlineData("no sender", """{ "id": "wamid.MARKER", "timestamp": "1749416383", "type": "text", "text": { "body": "MARKER" } }""", "from")]
    [InlineData("a sender that is not a number", """{ "from": "+31 6 MARKER", "id": "wamid.MARKER", "type": "text", "text": { "body": "MARKER" } }""", "from")]
    [InlineData("a text without its body", """{ "from": "WAID", "id": "wamid.MARKER", "type": "text", "text": {} }""", "text.body")]
    [InlineData("an image without its media id", """{ "from": "WAID", "id": "wamid.MARKER", "type": "image", "image": { "caption": "MARKER" } }""", "image.id")]
    [InlineData("a location without coordinates", """{ "from": "WAID", "id": "wamid.MARKER", "type": "location", "location": { "name": "MARKER" } }""", "location")]
    [InlineData("an interactive reply without its choice", """{ "from": "WAID", "id": "wamid.MARKER", "type": "interactive", "interactive": { "type": "button_reply" } }""", "interactive")]
    [InlineData("a latitude that is not a number", """{ "from": "WAID", "id": "wamid.MARKER", "type": "location", "location": { "latitude": "north", "longitude": 4.9 } }""", "location.latitude")]
    public async Task Stores_none_of_a_batch_in_which_one_message_is_malformed_and_answers_400_for(string _, string badMessage, string field)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, marker, good) = (MetaWebhook.NewWaId(), Guid.NewGuid().ToString("N"), MetaWebhook.NewWamid());
        var json = $$"""
            { "object": "whatsapp_business_account", "entry": [ { "id": "1", "changes": [ { "field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": { "display_phone_number": "31850000000", "phone_number_id": "{{number.PhoneNumberId}}" },
              "messages": [
                { "from": "{{waId}}", "id": "{{good}}", "timestamp": "1749416383", "type": "text", "text": { "body": "fine" } },
                {{badMessage.Replace("WAID", waId).Replace("MARKER", marker)}}
              ] } } ] } ] }
            """;
        var body = Encoding.UTF8.GetBytes(json);

        var response = await http.PostWebhookAsync(body, MetaWebhook.Sign(body, number.AppSecret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["entry[0].changes[0].value.messages[1]." + field], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(good));
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task Answers_413_for_a_body_larger_than_any_notification_and_stores_nothing()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        var payload = MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", MetaWebhook.Text(waId, wamid, new string('a', 2 * 1024 * 1024)));

        var response = await http.PostWebhookAsync(payload, number.AppSecret);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(wamid));
    }
}
