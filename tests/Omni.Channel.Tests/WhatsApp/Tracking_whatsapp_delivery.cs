using System.Net.Http.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

[Collection(ChannelCollection.Name)]
public sealed class Tracking_whatsapp_delivery(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task Moves_a_message_forward_through_sent_delivered_and_read_and_a_late_sent_changes_nothing()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var (customer, message) = await SentReplyAsync(http, graph);
        var wamid = message.ExternalId!;
        var statuses = new List<string>();

        foreach (var status in new[] { "sent", "delivered", "read" })
        {
            await http.PostAcknowledgedAsync(MetaWebhook.Statuses(customer.Number.PhoneNumberId, MetaWebhook.Status(wamid, status, customer.WaId)),
                customer.Number.AppSecret);
            statuses.Add((await http.GetMessageAsync(message.Id)).Status);
        }
        await http.PostAcknowledgedAsync(MetaWebhook.Statuses(customer.Number.PhoneNumberId, MetaWebhook.Status(wamid, "sent", customer.WaId)),
            customer.Number.AppSecret);

        Assert.Equal(["sent", "delivered", "read"], statuses);
        Assert.Equal("read", (await http.GetMessageAsync(message.Id)).Status);
        // One MessageDelivered per step forward: sent (handed over), delivered, read; nothing for the repeats.
        Assert.Equal(3, await _rows.CountOutboxRowsAsync("MessageDelivered", message.Id));
    }

    [Fact]
    public async Task Marks_a_message_failed_with_metas_reason_when_whatsapp_reports_it_failed_and_puts_DeliveryFailed_in_the_outbox()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var (customer, message) = await SentReplyAsync(http, graph);

        await http.PostAcknowledgedAsync(MetaWebhook.Statuses(customer.Number.PhoneNumberId,
            MetaWebhook.FailedStatus(message.ExternalId!, customer.WaId, 131047, "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")),
            customer.Number.AppSecret);

        var failed = await http.GetMessageAsync(message.Id);
        Assert.Equal("failed", failed.Status);
        Assert.Contains("Re-engagement message", failed.StatusReason);
        Assert.Contains("131047", failed.StatusReason);
        Assert.Equal(1, await _rows.CountOutboxRowsAsync("DeliveryFailed", message.Id));
    }

    [Fact]
    public async Task Applies_a_status_that_arrives_while_the_message_is_still_being_handed_over()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        var (wamid, release) = (MetaWebhook.NewWamid(), new TaskCompletionSource());
        graph.HoldNextAnswer(wamid, release.Task);

        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "Een moment." });
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        await graph.WaitForRequestAsync(r => r.AnsweredWamid == wamid, "the Graph API to be handed the message");
        // Meta reports delivery before its answer to the send has reached Omni.
        var report = http.PostWebhookAsync(MetaWebhook.Statuses(customer.Number.PhoneNumberId, MetaWebhook.Status(wamid, "delivered", customer.WaId)),
            customer.Number.AppSecret);
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // lets the report find the wamid unknown first; the outcome must not depend on it
        release.SetResult();

        Assert.Equal(System.Net.HttpStatusCode.OK, (await report).StatusCode);
        Assert.Equal("delivered", (await http.GetMessageAsync(queued.Id)).Status);
    }

    [Fact]
    public async Task Acknowledges_a_status_for_a_message_omni_never_sent_and_changes_nothing()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var wamid = MetaWebhook.NewWamid();

        await http.PostAcknowledgedAsync(MetaWebhook.Statuses(number.PhoneNumberId, MetaWebhook.Status(wamid, "delivered", MetaWebhook.NewWaId())),
            number.AppSecret);

        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(wamid));
    }

    /// <summary>A customer wrote; an agent's reply went out and WhatsApp accepted it.</summary>
    private async Task<(WhatsAppCustomer Customer, MessageDto Message)> SentReplyAsync(HttpClient http, GraphApiStandIn graph)
    {
        var customer = await http.CustomerWroteAsync(graph, _rows);
        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "We kijken ernaar." });
        var sent = await http.HandedOverAsync((await response.Content.ReadFromJsonAsync<MessageDto>())!.Id);
        Assert.Equal("sent", sent.Status);
        Assert.NotNull(sent.ExternalId);
        return (customer, sent);
    }
}
