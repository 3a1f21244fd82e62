using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

[Collection(ChannelCollection.Name)]
public sealed class Sending_on_whatsapp(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task Sends_a_reply_within_the_window_to_the_graph_api_in_its_documented_shape_with_the_accounts_bearer_token()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);

        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "Natuurlijk! Wat is uw ordernummer?" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Equal("whatsapp", queued.Channel);
        var request = await graph.WaitForRequestAsync(_ => true, "the Graph API to receive the reply");
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v21.0/{customer.Number.PhoneNumberId}/messages", request.Path);
        Assert.Equal("Bearer " + customer.Number.AccessToken, request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        var body = request.Json;
        Assert.Equal("whatsapp", body.GetProperty("messaging_product").GetString());
        Assert.Equal("individual", body.GetProperty("recipient_type").GetString());
        Assert.Equal(customer.WaId, body.GetProperty("to").GetString());
        Assert.Equal("text", body.GetProperty("type").GetString());
        Assert.Equal("Natuurlijk! Wat is uw ordernummer?", body.GetProperty("text").GetProperty("body").GetString());

        var sent = await http.HandedOverAsync(queued.Id);
        Assert.Equal("sent", sent.Status);
        Assert.Equal(request.AnsweredWamid, sent.ExternalId);
        Assert.Single(graph.Received);
    }

    [Fact]
    public async Task Refuses_free_form_text_with_422_and_the_reason_when_the_customer_last_wrote_more_than_24_hours_ago()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        await _rows.BackdateAsync(customer.LastWamid, TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var marker = Guid.NewGuid().ToString("N");

        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, channel = "whatsapp", text = "Nog vragen? " + marker });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("24 hours ago", detail);
        Assert.Contains("only an approved template may be sent", detail);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
        Assert.Empty(graph.Received);
    }

    [Fact]
    public async Task Refuses_free_form_text_with_422_when_the_customer_never_wrote_on_whatsapp()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        // Known by their WhatsApp number (given on another channel), but never a WhatsApp message from them.
        var waId = MetaWebhook.NewWaId();
        var other = await http.PostAcceptedAsync(Inbound.Body("whatsapp", "+" + waId, "Mijn WhatsApp-nummer", channel: "web"));
        var customerId = (await http.SettledAsync(other.Id)).CustomerId!.Value;
        var marker = Guid.NewGuid().ToString("N");

        var response = await http.SendOutboundAsync(new { customerId, channel = "whatsapp", text = "Hallo! " + marker });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("only an approved template may be sent", detail);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task Sends_an_approved_template_outside_the_window_with_its_language_and_parameters()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        await _rows.BackdateAsync(customer.LastWamid, TimeSpan.FromDays(3));

        var response = await http.SendOutboundAsync(new
        {
            customerId = customer.CustomerId,
            channel = "whatsapp",
            template = new { name = "order_update", language = "nl", parameters = new[] { "Sanne", "A-10442" } },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        Assert.Contains("order_update", queued.Text);
        var body = (await graph.WaitForRequestAsync(_ => true, "the Graph API to receive the template")).Json;
        Assert.Equal("template", body.GetProperty("type").GetString());
        Assert.Equal(customer.WaId, body.GetProperty("to").GetString());
        var template = body.GetProperty("template");
        Assert.Equal("order_update", template.GetProperty("name").GetString());
        Assert.Equal("nl", template.GetProperty("language").GetProperty("code").GetString());
        var component = Assert.Single(template.GetProperty("components").EnumerateArray());
        Assert.Equal("body", component.GetProperty("type").GetString());
        Assert.Equal(["Sanne", "A-10442"], component.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        Assert.All(component.GetProperty("parameters").EnumerateArray(), p => Assert.Equal("text", p.GetProperty("type").GetString()));
        Assert.Equal("sent", (await http.HandedOverAsync(queued.Id)).Status);
    }

    [Theory]
    [InlineData("no name", """{ "language": "nl" }""", "template.name")]
    [InlineData("a name Meta would not accept", """{ "name": "Order Update!", "language": "nl" }""", "template.name")]
    [InlineData("no language", """{ "name": "order_update" }""", "template.language")]
    [InlineData("a blank parameter", """{ "name": "order_update", "language": "nl", "parameters": [ " " ] }""", "template.parameters")]
    public async Task Answers_400_naming_the_field_for_a_template_with(string _, string template, string field)
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);

        var response = await http.SendOutboundAsync(JsonDocument.Parse(
            $$"""{ "customerId": "{{customer.CustomerId}}", "channel": "whatsapp", "template": {{template}} }""").RootElement);

        Assert.Equal([field], await response.ProblemFieldsAsync());
        Assert.Empty(graph.Received);
    }

    [Fact]
    public async Task Retries_when_the_graph_api_answers_500_and_sends_once_it_answers_200()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        graph.ThenAnswer(HttpStatusCode.InternalServerError, GraphApiStandIn.GraphError(1, "An unknown error occurred", "Please retry"));

        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "Uw pakket is onderweg." });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        var sent = await http.HandedOverAsync(queued.Id);
        Assert.Equal("sent", sent.Status);
        Assert.Equal([500, 200], graph.Received.Select(r => r.AnsweredStatus));
        Assert.Equal(graph.Received[1].AnsweredWamid, sent.ExternalId);
        Assert.Equal(graph.Received[0].Body, graph.Received[1].Body);
    }

    [Fact]
    public async Task Fails_at_once_with_metas_error_when_the_graph_api_refuses_the_message_and_puts_DeliveryFailed_in_the_outbox()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        graph.ThenAnswer(HttpStatusCode.BadRequest,
            GraphApiStandIn.GraphError(131030, "(#131030) Recipient phone number not in allowed list", "Add recipient phone number to recipient list and try again."));

        var response = await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "Hallo?" });

        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        var failed = await http.HandedOverAsync(queued.Id);
        Assert.Equal("failed", failed.Status);
        Assert.Contains("Recipient phone number not in allowed list", failed.StatusReason);
        Assert.Equal(1, await _rows.CountOutboxRowsAsync("DeliveryFailed", queued.Id));
        Assert.Single(graph.Received);
    }
}
