using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

/// <summary>
/// The Cloud API's messages webhook with every kind of message its reference documents, written as Meta writes them
/// (raw JSON, fields Omni does not read included), and batches of several entries, messages, statuses and other fields.
/// </summary>
[Collection(ChannelCollection.Name)]
public sealed class Receiving_whatsapp_messages_of_every_kind(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Theory]
    [InlineData("sticker", """ "sticker": { "mime_type": "image/webp", "sha256": "RlY5aUl=", "id": "MEDIA", "animated": false } """, "[sticker]")]
    [InlineData("audio", """ "audio": { "mime_type": "audio/ogg; codecs=opus", "sha256": "RlY5aUl=", "id": "MEDIA", "voice": true } """, "[audio]")]
    [InlineData("video", """ "video": { "caption": "Zo kwam het aan", "mime_type": "video/mp4", "sha256": "RlY5aUl=", "id": "MEDIA" } """, "Zo kwam het aan")]
    [InlineData("document", """ "document": { "caption": "Mijn factuur", "filename": "factuur-1042.pdf", "mime_type": "application/pdf", "sha256": "RlY5aUl=", "id": "MEDIA" } """, "Mijn factuur")]
    public async Task Keeps_a_media_message_with_its_caption_or_kind_and_metas_media_id(string type, string content, string text)
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var (waId, wamid, mediaId) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), "1489" + Random.Shared.Next(100_000_000, 999_999_999));

        var response = await PostAsync(http, number, waId, Message(waId, wamid, type, content.Replace("MEDIA", mediaId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal((text, type), (stored.Text, stored.Metadata["type"]));
        Assert.Equal(mediaId, Assert.Single(await _rows.AttachmentsAsync(stored.Id)).ProviderReference);
    }

    [Theory]
    [InlineData("reaction", """ "reaction": { "message_id": "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI", "emoji": "\ud83d\udc4d" } """, "👍")]
    [InlineData("button", """ "context": { "from": "31850000000", "id": "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI" }, "button": { "payload": "STOP_PROMOTIONS", "text": "Stop promoties" } """, "Stop promoties")]
    [InlineData("contacts", """ "contacts": [ { "addresses": [ { "city": "Amsterdam", "country": "Netherlands", "type": "HOME" } ], "birthday": "1990-08-18", "emails": [ { "email": "jan@example.nl", "type": "WORK" } ], "name": { "formatted_name": "Jan Jansen", "first_name": "Jan", "last_name": "Jansen" }, "org": { "company": "Acme" }, "phones": [ { "phone": "+31 6 12345678", "wa_id": "31612345678", "type": "CELL" } ], "urls": [ { "url": "https://example.nl", "type": "WORK" } ] } ] """, "Contact: Jan Jansen +31 6 12345678")]
    [InlineData("order", """ "order": { "catalog_id": "987654321", "text": "Graag voor vrijdag", "product_items": [ { "product_retailer_id": "SKU-1", "quantity": "2", "item_price": "12.50", "currency": "EUR" }, { "product_retailer_id": "SKU-2", "quantity": 1, "item_price": 4.95, "currency": "EUR" } ] } """, "Order: 2 items (Graag voor vrijdag)")]
    [InlineData("unsupported", """ "errors": [ { "code": 131051, "details": "Message type unknown", "title": "Message type unknown", "error_data": { "details": "Message type is currently not supported." } } ], "unsupported": { "type": "edit" } """, "[unsupported message]")]
    [InlineData("unknown", """ "errors": [ { "code": 131051, "details": "Message type is not currently supported", "title": "Unsupported message type" } ] """, "[unknown message]")]
    [InlineData("request_welcome", "", "[request_welcome message]")]
    [InlineData("poll_creation", """ "poll_creation": { "name": "Welke kleur?", "options": [ { "name": "Rood" }, { "name": 7 } ], "selectable_count": 1 } """, "[poll_creation message]")]
    public async Task Keeps_every_other_kind_of_message_with_a_readable_text_and_resolves_the_sender(string type, string content, string text)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());

        var response = await PostAsync(http, number, waId, Message(waId, wamid, type, content));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal(text, stored.Text);
        Assert.Equal("received", (await http.SettledAsync(stored.Id)).Status);
    }

    [Fact]
    public async Task Keeps_the_answers_of_a_completed_whatsapp_flow_instead_of_refusing_the_webhook()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        const string answers = """{"flow_token":"retour-1042","reden":"te klein","ophalen":"2026-12-01"}""";
        var content = $$"""
            "context": { "from": "31850000000", "id": "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI" },
            "interactive": { "type": "nfm_reply", "nfm_reply": { "name": "flow", "body": "Sent", "response_json": {{JsonSerializer.Serialize(answers)}} } }
            """;

        var response = await PostAsync(http, number, waId, Message(waId, wamid, "interactive", content));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("[nfm_reply]", stored.Text);
        Assert.Equal(("nfm_reply", "flow", answers), (stored.Metadata["replyType"], stored.Metadata["formName"], stored.Metadata["formResponse"]));
    }

    [Fact]
    public async Task Keeps_whatsapps_notice_of_a_changed_number_with_the_customer_but_opens_no_conversation_for_it()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, newWaId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        // System messages come without a contacts array.
        var json = $$"""
            { "object": "whatsapp_business_account", "entry": [ { "id": "102290129340398", "changes": [ { "field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": { "display_phone_number": "31850000000", "phone_number_id": "{{number.PhoneNumberId}}" },
              "messages": [ { "from": "{{waId}}", "id": "{{wamid}}", "timestamp": "1749416383", "type": "system",
                "system": { "body": "User Sanne changed from {{waId}} to {{newWaId}}", "wa_id": "{{newWaId}}", "type": "user_changed_number" } } ] } } ] } ] }
            """;

        var response = await PostRawAsync(http, number.AppSecret, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal($"User Sanne changed from {waId} to {newWaId}", stored.Text);
        Assert.Equal(("user_changed_number", newWaId), (stored.Metadata["systemType"], stored.Metadata["newWaId"]));
        var settled = await http.SettledAsync(stored.Id);
        Assert.Equal("received", settled.Status);
        Assert.NotNull(settled.CustomerId);
        Assert.Equal(0, await _rows.CountOutboxRowsAsync("MessageReceived", stored.Id));
    }

    [Fact]
    public async Task Keeps_the_message_replied_to_and_the_ad_a_customer_came_from()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid, earlier) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid());
        var content = $$"""
            "context": { "from": "31850000000", "id": "{{earlier}}", "forwarded": false, "referred_product": { "catalog_id": "1", "product_retailer_id": "SKU-1" } },
            "referral": { "source_url": "https://fb.me/3cr4Wqqkv", "source_id": "120212345678901", "source_type": "ad", "body": "Winterjassen -30%",
                          "headline": "Winteractie", "media_type": "image", "image_url": "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg",
                          "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a",
                          "welcome_message": { "text": "Hoi! Waarmee kunnen we helpen?" } },
            "text": { "body": "Is deze jas er ook in maat L?" }
            """;

        var response = await PostAsync(http, number, waId, Message(waId, wamid, "text", content));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("Is deze jas er ook in maat L?", stored.Text);
        Assert.Equal(earlier, stored.Metadata["replyTo"]);
        Assert.Equal(("Winteractie", "https://fb.me/3cr4Wqqkv", "ad"),
            (stored.Metadata["referralHeadline"], stored.Metadata["referralSourceUrl"], stored.Metadata["referralSourceType"]));
    }

    [Fact]
    public async Task Keeps_a_message_from_a_user_who_shows_a_username_instead_of_a_number_and_the_rest_of_the_batch()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid, hiddenWamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid());
        var userId = "NL." + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999) + "4655843";
        // Without a recent conversation, Meta withholds a username user's number: only their business-scoped user id comes.
        var json = $$"""
            { "object": "whatsapp_business_account", "entry": [ { "id": "102290129340398", "changes": [ { "field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": { "display_phone_number": "31850000000", "phone_number_id": "{{number.PhoneNumberId}}" },
              "contacts": [ { "profile": { "name": "Sanne", "username": "@sanne.dv" }, "user_id": "{{userId}}" },
                            { "profile": { "name": "Tom" }, "wa_id": "{{waId}}", "user_id": "NL.88812345" } ],
              "messages": [
                { "from_user_id": "{{userId}}", "id": "{{hiddenWamid}}", "timestamp": "1749416383", "type": "text", "text": { "body": "Hallo, ik heb een vraag" } },
                { "from": "{{waId}}", "from_user_id": "NL.88812345", "id": "{{wamid}}", "timestamp": "1749416384", "type": "text", "text": { "body": "En ik ook" } }
              ] } } ] } ] }
            """;

        var response = await PostRawAsync(http, number.AppSecret, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hidden = (await _rows.MessageAsync(hiddenWamid))!;
        Assert.Equal(("whatsapp", userId, "Hallo, ik heb een vraag"), (hidden.SenderKind, hidden.SenderAddress, hidden.Text));
        Assert.Equal(("Sanne", "@sanne.dv", userId), (hidden.Metadata["displayName"], hidden.Metadata["username"], hidden.Metadata["userId"]));
        var known = (await _rows.MessageAsync(wamid))!;
        Assert.Equal(("+" + waId, "Tom", "NL.88812345"), (known.SenderAddress, known.Metadata["displayName"], known.Metadata["userId"]));
        Assert.Equal("received", (await http.SettledAsync(known.Id)).Status);
    }

    [Fact]
    public async Task Takes_several_entries_messages_and_statuses_at_once_and_skips_other_fields_and_what_it_does_not_read()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        // One Meta app, two business numbers: both accounts share the app's secret.
        var appSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var ((_, first), (secondId, second)) = (await AccountAsync(http, appSecret, graph.BaseAddress), await AccountAsync(http, appSecret, graph.BaseAddress));
        var (a, b, c) = (MetaWebhook.NewWaId(), MetaWebhook.NewWaId(), MetaWebhook.NewWaId());
        var (a1, a2, b1, c1, unknownStatus) = (MetaWebhook.NewWamid(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid());
        var json = $$"""
            {
              "object": "whatsapp_business_account",
              "unread_by_omni": { "a": [ 1, 2, 3 ] },
              "entry": [
                {
                  "id": "102290129340398", "time": 1749416383,
                  "changes": [
                    {
                      "field": "messages",
                      "value": {
                        "messaging_product": "whatsapp",
                        "metadata": { "display_phone_number": "31850000001", "phone_number_id": "{{first}}", "new_field": true },
                        "contacts": [
                          { "profile": { "name": "Anna" }, "wa_id": "{{a}}", "identity_key_hash": "DF2lS5v2W6x=" },
                          { "profile": { "name": "Bram" }, "wa_id": "{{b}}" }
                        ],
                        "messages": [
                          { "from": "{{a}}", "id": "{{a1}}", "timestamp": "1749416383", "type": "text", "text": { "body": "Eerste", "extra": 1 },
                            "identity": { "acknowledged": true, "created_timestamp": 1749416000, "hash": "DF2lS5v2W6x=" } },
                          { "from": "{{a}}", "id": "{{a2}}", "timestamp": 1749416384, "type": "text", "text": { "body": "Tweede" } },
                          { "from": "{{b}}", "id": "{{b1}}", "timestamp": "1749416385", "type": "reaction", "reaction": { "message_id": "{{a1}}", "emoji": "" } }
                        ],
                        "statuses": [
                          { "id": "{{unknownStatus}}", "status": "delivered", "timestamp": "1749416386", "recipient_id": "{{a}}",
                            "conversation": { "id": "a75d17ad06104c51166f948319b03c6a", "expiration_timestamp": "1750943820", "origin": { "type": "service" } },
                            "pricing": { "billable": false, "pricing_model": "PMP", "category": "service", "type": "free_customer_service" },
                            "biz_opaque_callback_data": "order-1042" },
                          { "id": "{{unknownStatus}}", "status": "failed", "timestamp": "1749416387", "recipient_id": "{{a}}",
                            "errors": [ { "code": 131026, "title": "Message undeliverable", "message": "Message undeliverable",
                                          "error_data": { "details": "Message could not be delivered" }, "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" } ] },
                          { "id": "{{unknownStatus}}", "status": "deleted", "timestamp": "1749416388", "recipient_id": "{{a}}" }
                        ]
                      }
                    },
                    { "field": "account_update", "value": { "phone_number": "31850000001", "event": "VERIFIED_ACCOUNT" } },
                    { "field": "phone_number_quality_update", "value": { "display_phone_number": "31850000001", "event": "FLAGGED", "current_limit": "TIER_10K" } }
                  ]
                },
                {
                  "id": "102290129340399", "time": 1749416390,
                  "changes": [
                    { "field": "messages", "value": {
                        "messaging_product": "whatsapp",
                        "metadata": { "display_phone_number": "31850000002", "phone_number_id": "{{second}}" },
                        "contacts": [ { "profile": { "name": "Carla" }, "wa_id": "{{c}}" } ],
                        "messages": [ { "from": "{{c}}", "id": "{{c1}}", "timestamp": "1749416391", "type": "text", "text": { "body": "Ander nummer" } } ] } },
                    { "field": "message_template_status_update", "value": { "event": "APPROVED", "message_template_id": 594425479261596,
                        "message_template_name": "order_update", "message_template_language": "nl", "reason": "NONE" } }
                  ]
                },
                { "id": "102290129340400", "time": 1749416392, "changes": [ { "field": "security", "value": { "event": "PIN_CHANGED" } } ] }
              ]
            }
            """;

        var response = await PostRawAsync(http, appSecret, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var (wamid, text, sender) in new[] { (a1, "Eerste", a), (a2, "Tweede", a), (b1, "[reaction removed]", b), (c1, "Ander nummer", c) })
        {
            var stored = (await _rows.MessageAsync(wamid))!;
            Assert.Equal((text, "+" + sender), (stored.Text, stored.SenderAddress));
        }
        Assert.Equal("Bram", (await _rows.MessageAsync(b1))!.Metadata["displayName"]);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(unknownStatus));
        Assert.Equal(1, await _rows.CountMessagesOfAccountAsync(secondId));
    }

    [Fact]
    public async Task Keeps_a_message_whose_timestamp_is_out_of_any_calendar()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        var message = $$"""{ "from": "{{waId}}", "id": "{{wamid}}", "timestamp": "99999999999999", "type": "text", "text": { "body": "Wanneer?" } }""";

        var response = await PostAsync(http, number, waId, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("Wanneer?", stored.Text);
        Assert.False(stored.Metadata.ContainsKey("sentAt"));
    }

    /// <summary>A message as Meta writes it: from, id, timestamp, type, and the type's own fields (<paramref name="content"/>).</summary>
    private static string Message(string from, string wamid, string type, string content) =>
        $$"""{ "from": "{{from}}", "id": "{{wamid}}", "timestamp": "{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}", "type": "{{type}}"{{(content.Trim().Length > 0 ? ", " + content : "")}} }""";

    /// <summary>One message from <paramref name="waId"/> to the number, in Meta's envelope, signed with the app secret.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient http, WhatsAppNumber number, string waId, string message) =>
        PostRawAsync(http, number.AppSecret, $$"""
            { "object": "whatsapp_business_account", "entry": [ { "id": "102290129340398", "changes": [ { "field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": { "display_phone_number": "31850000000", "phone_number_id": "{{number.PhoneNumberId}}" },
              "contacts": [ { "profile": { "name": "Sanne" }, "wa_id": "{{waId}}" } ],
              "messages": [ {{message}} ] } } ] } ] }
            """);

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient http, string appSecret, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return http.PostWebhookAsync(body, MetaWebhook.Sign(body, appSecret));
    }

    /// <summary>A WhatsApp account with the given app secret: its id and phone-number id.</summary>
    private static async Task<(Guid Id, string PhoneNumberId)> AccountAsync(HttpClient http, string appSecret, string apiBaseUrl)
    {
        var phoneNumberId = MetaWebhook.NewPhoneNumberId();
        var response = await http.PostAsJsonAsync("/api/v1/channel-accounts", new
        {
            kind = "whatsapp", name = "Support " + phoneNumberId, address = phoneNumberId,
            settings = new Dictionary<string, string> { ["apiBaseUrl"] = apiBaseUrl },
            secrets = new Dictionary<string, string> { ["appSecret"] = appSecret, ["verifyToken"] = Guid.NewGuid().ToString("N"), ["accessToken"] = "EAAG" + Guid.NewGuid().ToString("N") },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (created.RootElement.GetProperty("id").GetGuid(), phoneNumberId);
    }
}
