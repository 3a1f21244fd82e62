using System.Net;
using System.Text;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

[Collection(ChannelCollection.Name)]
public sealed class Receiving_whatsapp_messages(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task Stores_a_text_from_the_senders_number_in_international_form_and_resolves_it_to_a_customer()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());

        await http.PostAcknowledgedAsync(
            MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne de Vries", MetaWebhook.Text(waId, wamid, "Waar blijft mijn bestelling?")),
            number.AppSecret);

        var stored = await _rows.MessageAsync(wamid);
        Assert.NotNull(stored);
        Assert.Equal(("whatsapp", "Inbound", "whatsapp", "+" + waId), (stored.Channel, stored.Direction, stored.SenderKind, stored.SenderAddress));
        Assert.Equal("Waar blijft mijn bestelling?", stored.Text);
        Assert.Equal(number.AccountId, stored.AccountId);
        Assert.Equal("Sanne de Vries", stored.Metadata["displayName"]);
        Assert.Equal("text", stored.Metadata["type"]);
        var raw = (await _rows.RawPayloadAsync(stored.Id))!.Value; // Meta's notification as it came
        Assert.Equal("application/json", raw.ContentType);
        Assert.Equal(wamid, System.Text.Json.JsonDocument.Parse(raw.Content).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("messages")[0].GetProperty("id").GetString());

        var settled = await http.SettledAsync(stored.Id);
        Assert.Equal("received", settled.Status);
        Assert.NotNull(settled.CustomerId);
        var (_, announced) = await fixture.Announced.WaitFor(m => m.MessageId == stored.Id, "MessageReceived for the WhatsApp message");
        Assert.Equal(("whatsapp", settled.CustomerId.Value), (announced.Channel, announced.CustomerId));
    }

    [Fact]
    public async Task Fetches_an_images_bytes_from_the_graph_api_with_the_accounts_token_and_keeps_the_caption_as_the_text()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var (waId, wamid, mediaId) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), "1489" + Random.Shared.Next(100_000_000, 999_999_999));
        var photo = MediaFiles.Jpeg(20_000);
        graph.KeepMedia(mediaId, photo, "image/jpeg", number.AccessToken);

        await http.PostAcknowledgedAsync(
            MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", MetaWebhook.Image(waId, wamid, mediaId, "image/jpeg", "Het pakket was kapot")),
            number.AppSecret);

        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("Het pakket was kapot", stored.Text);
        Assert.Equal("image", stored.Metadata["type"]);
        Assert.Equal(mediaId, Assert.Single(await _rows.AttachmentsAsync(stored.Id)).ProviderReference);
        var message = await http.FilesSettledAsync(stored.Id);
        var file = Assert.Single(message.Attachments);
        Assert.Equal(("stored", "image/jpeg", (long)photo.Length), (file.State, file.ContentType, file.Size));
        var (bytes, type) = await http.DownloadAsync(stored.Id, file.Id);
        Assert.Equal(photo, bytes);
        Assert.Equal("image/jpeg", type);
        // Meta's two steps, each with the account's token: where the file is, then the file.
        var asked = graph.Received.Where(r => r.Method == "GET").ToList();
        Assert.Equal([$"/v21.0/{mediaId}", $"/media/{mediaId}"], asked.Select(r => r.Path));
        Assert.All(asked, r => Assert.Equal("Bearer " + number.AccessToken, r.Authorization));
        Assert.Equal("received", (await http.SettledAsync(stored.Id)).Status);
    }

    [Fact]
    public async Task Keeps_a_shared_location_as_coordinates_with_its_name_and_address_and_a_readable_text()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());

        await http.PostAcknowledgedAsync(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne",
            MetaWebhook.Location(waId, wamid, 52.3731, 4.8922, "De Dam", "Dam 1, 1012 JS Amsterdam")), number.AppSecret);

        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("52.3731", stored.Metadata["latitude"]);
        Assert.Equal("4.8922", stored.Metadata["longitude"]);
        Assert.Equal("De Dam", stored.Metadata["locationName"]);
        Assert.Equal("Dam 1, 1012 JS Amsterdam", stored.Metadata["locationAddress"]);
        Assert.Contains("De Dam, Dam 1, 1012 JS Amsterdam", stored.Text);
        Assert.Contains("52.3731, 4.8922", stored.Text);
        Assert.Equal("received", (await http.SettledAsync(stored.Id)).Status);
    }

    [Theory]
    [InlineData("button_reply")]
    [InlineData("list_reply")]
    public async Task Takes_the_title_of_the_tapped_choice_as_the_text_and_keeps_its_id(string kind)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid, question) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid());
        var reply = kind == "button_reply"
            ? MetaWebhook.ButtonReply(waId, wamid, "callback-yes", "Ja, bel me terug", question)
            : MetaWebhook.ListReply(waId, wamid, "topic-returns", "Retourneren", "Een product terugsturen", question);

        await http.PostAcknowledgedAsync(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", reply), number.AppSecret);

        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal(kind == "button_reply" ? "Ja, bel me terug" : "Retourneren", stored.Text);
        Assert.Equal(kind == "button_reply" ? "callback-yes" : "topic-returns", stored.Metadata["replyId"]);
        Assert.Equal(kind, stored.Metadata["replyType"]);
        Assert.Equal(question, stored.Metadata["replyTo"]);
        Assert.Equal("received", (await http.SettledAsync(stored.Id)).Status);
    }

    [Fact]
    public async Task Stores_every_message_of_a_batched_webhook_and_finds_one_customer_for_one_number()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, first, second) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid(), MetaWebhook.NewWamid());

        await http.PostAcknowledgedAsync(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne",
            MetaWebhook.Text(waId, first, "Hallo"), MetaWebhook.Location(waId, second, 51.9225, 4.47917, null, null)), number.AppSecret);

        var (a, b) = ((await _rows.MessageAsync(first))!, (await _rows.MessageAsync(second))!);
        var (settledA, settledB) = (await http.SettledAsync(a.Id), await http.SettledAsync(b.Id));
        Assert.NotNull(settledA.CustomerId);
        Assert.Equal(settledA.CustomerId, settledB.CustomerId);
    }

    [Fact]
    public async Task Answers_200_to_a_replayed_webhook_and_processes_it_once()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        var body = MetaWebhook.Serialize(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", MetaWebhook.Text(waId, wamid, "Dubbel?")));
        var signature = MetaWebhook.Sign(body, number.AppSecret);

        var responses = new List<HttpResponseMessage> { await http.PostWebhookAsync(body, signature) };
        var stored = (await _rows.MessageAsync(wamid))!;
        await http.SettledAsync(stored.Id);
        responses.Add(await http.PostWebhookAsync(body, signature));
        responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => http.PostWebhookAsync(body, signature))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(wamid));
        Assert.Equal(1, await _rows.CountOutboxRowsAsync("MessageReceived", stored.Id));
    }

    [Fact]
    public async Task Acknowledges_a_signed_notification_of_another_subscription_and_refuses_it_unsigned()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var marker = Guid.NewGuid().ToString("N");
        var body = MetaWebhook.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "102290129340398",
                    time = 1749416383,
                    changes = new[]
                    {
                        new
                        {
                            value = new { @event = "APPROVED", message_template_id = 594425479261596, message_template_name = "order_update_" + marker,
                                          message_template_language = "nl", reason = "NONE" },
                            field = "message_template_status_update",
                        },
                    },
                },
            },
        });

        var signed = await http.PostWebhookAsync(body, MetaWebhook.Sign(body, number.AppSecret));
        var forged = await http.PostWebhookAsync(body, MetaWebhook.Sign(body, "not-our-app-secret"));

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task Checks_the_signature_over_the_bytes_exactly_as_meta_sent_them()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        // Meta's own layout: spaces, line breaks and escaped non-ASCII text, which a re-serialised body would not reproduce.
        var json = $$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
              "metadata":{"display_phone_number":"31850000000","phone_number_id":"{{{number.PhoneNumberId}}}"},
              "contacts":[{"profile":{"name":"Ren\u00e9e"},"wa_id":"{{{waId}}}"}],
              "messages":[{"from":"{{{waId}}}","id":"{{{wamid}}}","timestamp":"1749416383","type":"text","text":{"body":"Caf\u00e9 \ud83d\ude00 gesloten?"}}]},
              "field":"messages"}]}]}
            """;
        var body = Encoding.UTF8.GetBytes(json);

        var response = await http.PostWebhookAsync(body, MetaWebhook.Sign(body, number.AppSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await _rows.MessageAsync(wamid))!;
        Assert.Equal("Café 😀 gesloten?", stored.Text);
        Assert.Equal("Renée", stored.Metadata["displayName"]);
    }
}
