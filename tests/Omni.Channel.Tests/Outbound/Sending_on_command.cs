using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.WebChat;
using Omni.Channel.Tests.WhatsApp;
using Omni.Contracts.Channel;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Outbound;

/// <summary>The bot and routing send through the <see cref="SendMessage"/> command on the broker, as their outboxes publish it.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Sending_on_command(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task A_command_sends_the_message_under_its_id_with_its_sender_and_actions_once_however_often_it_comes()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await http.SettledAsync((await page.SendAsync("Where is my order?")).Id);
        var command = new SendMessage(Guid.CreateVersion7(), session.CustomerId!.Value, Guid.CreateVersion7(), null,
            "I can help with that. What would you like?", "bot", ["Track my order", "Talk to a person"], DateTimeOffset.UtcNow);
        var (first, again) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        // The same command twice, as a sender's retry publishes it: another bus message id, the same message id.
        await fixture.Bus.Publish(command, context => context.MessageId = first);
        await fixture.Bus.Publish(command, context => context.MessageId = again);

        var pushed = await page.PushedMessageAsync(m => m.Id == command.MessageId, "the bot's message on the page");
        Assert.Equal(("agent", "bot", "I can help with that. What would you like?"), (pushed.From, pushed.Sender, pushed.Text));
        Assert.Equal(["Track my order", "Talk to a person"], pushed.Actions);
        await Eventually.True(async () => await fixture.Database.InboxProcessedAsync("channel-send-message", first, again) == 2, "both commands to be consumed");
        var stored = await http.GetMessageAsync(command.MessageId);
        Assert.Equal(("outbound", "web", "bot", "sent"), (stored.Direction, stored.Channel, stored.Sender, stored.Status));
        Assert.Equal(["Track my order", "Talk to a person"], stored.Actions);
        Assert.Single(page.Pushed, m => m.Id == command.MessageId);
        Assert.Equal(1, await fixture.Database.CountOutboxRowsAboutAsync(command.MessageId)); // one MessageDelivered: sent once
        Assert.Equal([command.MessageId], (await page.HistoryAsync()).Where(m => m.Sender == "bot").Select(m => m.Id));
    }

    [Fact]
    public async Task Quick_replies_go_to_whatsapp_as_reply_buttons_and_a_pressed_button_comes_back_as_the_customers_text()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        var command = new SendMessage(Guid.CreateVersion7(), customer.CustomerId, null, "whatsapp",
            "Is uw vraag hiermee beantwoord?", "bot", ["Ja, bedankt", "Praat met iemand"], DateTimeOffset.UtcNow);

        await fixture.Bus.Publish(command);

        var request = await graph.WaitForRequestAsync(r => r.Json.GetProperty("to").GetString() == customer.WaId, "the buttons at the Graph API");
        var body = request.Json;
        Assert.Equal("interactive", body.GetProperty("type").GetString());
        var interactive = body.GetProperty("interactive");
        Assert.Equal("button", interactive.GetProperty("type").GetString());
        Assert.Equal("Is uw vraag hiermee beantwoord?", interactive.GetProperty("body").GetProperty("text").GetString());
        var buttons = interactive.GetProperty("action").GetProperty("buttons").EnumerateArray().ToList();
        Assert.All(buttons, b => Assert.Equal("reply", b.GetProperty("type").GetString()));
        Assert.Equal(["Ja, bedankt", "Praat met iemand"], buttons.Select(b => b.GetProperty("reply").GetProperty("title").GetString()));
        Assert.Equal("sent", (await http.HandedOverAsync(command.MessageId)).Status);

        var pressed = MetaWebhook.NewWamid();
        await http.PostAcknowledgedAsync(MetaWebhook.Messages(customer.Number.PhoneNumberId, customer.WaId, "Sanne",
            MetaWebhook.ButtonReply(customer.WaId, pressed, buttons[1].GetProperty("reply").GetProperty("id").GetString()!, "Praat met iemand",
                request.AnsweredWamid!)), customer.Number.AppSecret);

        var answer = (await _rows.MessageAsync(pressed))!;
        Assert.Equal("Praat met iemand", answer.Text);
        Assert.Equal("button_reply", answer.Metadata["replyType"]);
        Assert.Equal(request.AnsweredWamid, answer.Metadata["replyTo"]);
        Assert.Equal(customer.CustomerId, (await http.SettledAsync(answer.Id)).CustomerId);
    }

    [Fact]
    public async Task Quick_replies_that_do_not_fit_whatsapps_three_short_buttons_go_as_a_reply_line()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        string[] actions = ["Bestelling volgen", "Retour aanmelden", "Factuur opvragen", "Praat met een medewerker"];

        await fixture.Bus.Publish(new SendMessage(Guid.CreateVersion7(), customer.CustomerId, null, "whatsapp", "Waarmee kan ik helpen?", "bot",
            actions, DateTimeOffset.UtcNow));

        var request = await graph.WaitForRequestAsync(r => r.Json.GetProperty("to").GetString() == customer.WaId, "the text at the Graph API");
        Assert.Equal("text", request.Json.GetProperty("type").GetString());
        Assert.Equal("Waarmee kan ik helpen?\n\nReply: Bestelling volgen | Retour aanmelden | Factuur opvragen | Praat met een medewerker",
            request.Json.GetProperty("text").GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_command_that_cannot_be_carried_out_is_answered_with_delivery_failed_and_nothing_is_stored()
    {
        // Nobody Omni has ever heard from: there is no channel to reach them on.
        var command = new SendMessage(Guid.CreateVersion7(), Guid.CreateVersion7(), null, null, "Hello?", "bot", null, DateTimeOffset.UtcNow);

        await fixture.Bus.Publish(command);

        await Eventually.True(async () => await fixture.Database.CountOutboxRowsAboutAsync(command.MessageId) == 1, "DeliveryFailed about the command");
        Assert.Equal(1, await _rows.CountOutboxRowsAsync(nameof(DeliveryFailed), command.MessageId));
        using var http = fixture.Channel.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/messages/{command.MessageId}")).StatusCode);
    }

    [Fact]
    public async Task The_agents_send_api_refuses_quick_replies_it_cannot_offer_with_400_naming_actions()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await http.SettledAsync((await page.SendAsync("Hi")).Id);
        var marker = Guid.NewGuid().ToString("N");

        var tooMany = await http.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId = session.CustomerId, text = marker, actions = Enumerable.Range(1, 11).Select(i => $"Option {i}") });
        var twice = await http.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId = session.CustomerId, text = marker, actions = new[] { "Yes", "yes" } });

        Assert.Equal(["actions"], await tooMany.ProblemFieldsAsync());
        Assert.Equal(["actions"], await twice.ProblemFieldsAsync());
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }
}
