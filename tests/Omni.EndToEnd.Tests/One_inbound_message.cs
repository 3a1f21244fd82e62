using Aspire.Hosting.Testing;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>The first steps of the inbound flow, through the gateway only.</summary>
[Collection(SystemCollection.Name)]
public sealed class One_inbound_message(OmniSystem omni)
{
    private static string NewMobile() => "061" + Random.Shared.Next(1_000_000, 10_000_000);

    [Fact]
    public async Task Reaches_the_customers_conversation_and_a_second_one_joins_it()
    {
        var mobile = NewMobile();

        var first = await omni.Gateway.PostMessageAsync(new PostedMessage("web", new Sender("phone", mobile), "Where is my order?"));
        Assert.Equal("pending", first.Status);
        var received = await Eventually.Get(async () => await omni.Admin.GetMessageAsync(first.Id) is { Status: "received" } m ? m : null, "the sender to be resolved");
        var customerId = received.CustomerId!.Value;

        var opened = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customerId}"))!.SingleOrDefault(),
            "routing to open a conversation");
        Assert.Equal("bot", opened.Status); // the widget's channel: the bot answers first

        // The same number, written as a customer texting from abroad would, on another channel.
        var second = await omni.Gateway.PostMessageAsync(new PostedMessage("sms", new Sender("phone", "+31 " + mobile[1..]), "It was due yesterday"));
        var conversation = await Eventually.Get(async () =>
            await omni.Admin.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{opened.Id}") is { } c
            && c.Messages.Count(m => m.Direction == "inbound") == 2 ? c : null,
            "the second message to join the conversation");

        // Beside them, the bot's answers and Omni's notices to the customer (outbound).
        var written = conversation.Messages.Where(m => m.Direction == "inbound").ToList();
        Assert.Equal(customerId, conversation.CustomerId);
        Assert.Equal([first.Id, second.Id], written.Select(m => m.Id));
        Assert.Equal(["Where is my order?", "It was due yesterday"], written.Select(m => m.Text));
        Assert.Equal(["web", "sms"], written.Select(m => m.Channel));
        Assert.Equal("sms", conversation.LastChannel);
        var conversations = await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customerId}");
        Assert.Single(conversations!);
    }

    [Fact]
    public async Task Is_stored_once_when_the_client_sends_it_twice()
    {
        var message = new PostedMessage("api", new Sender("email", $"twice.{Guid.NewGuid():N}@example.nl"), "Hello", ExternalId: Guid.NewGuid().ToString());

        var first = await omni.Gateway.PostAsJsonAsync("/api/v1/messages", message);
        var second = await omni.Gateway.PostAsJsonAsync("/api/v1/messages", message);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<MessageView>())!.Id, (await second.Content.ReadFromJsonAsync<MessageView>())!.Id);
    }

    [Theory]
    [InlineData("{\"channel\":\"web\",\"from\":{\"kind\":\"phone\"},\"text\":", "text")]
    [InlineData("{\"channel\":\"web\",\"text\":\"hi\"}", "from")]
    [InlineData("{\"channel\":\"web\",\"from\":{\"kind\":\"phone\",\"address\":\"0612345678\"}}", "text")]
    [InlineData("{\"channel\":\"web\",\"from\":{\"address\":\"0612345678\"},\"text\":\"hi\"}", "from.kind")]
    [InlineData("{\"channel\":\"pigeon\",\"from\":{\"kind\":\"phone\",\"address\":\"0612345678\"},\"text\":\"hi\"}", "channel")]
    [InlineData("[1,2,3]", "body")]
    public async Task That_is_malformed_gets_a_400_naming_the_field(string body, string field)
    {
        var response = await omni.Gateway.PostAsync("/api/v1/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>();
        Assert.Contains(field, problem!.Errors!.Keys);
    }

    [Fact]
    public async Task Carries_the_callers_trace_across_channel_identity_the_broker_and_routing()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
        {
            Content = JsonContent.Create(new PostedMessage("web", new Sender("email", $"trace.{Guid.NewGuid():N}@example.nl"), "Follow me")),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        var posted = await (await omni.Gateway.SendAsync(request)).Content.ReadFromJsonAsync<MessageView>();
        var received = await Eventually.Get(async () => await omni.Admin.GetMessageAsync(posted!.Id) is { Status: "received" } m ? m : null, "the sender to be resolved");

        // The events each service published carry the trace they were caused by: channel's MessageReceived
        // (after identity answered) and routing's ConversationOpened (after the message crossed the broker).
        await Eventually.True(async () => await OutboxHasTraceAsync("channel-db", traceId), "channel's event in the caller's trace");
        await Eventually.True(async () => await OutboxHasTraceAsync("routing-db", traceId), "routing's event in the caller's trace");
        Assert.NotNull(received.CustomerId);
    }

    private async Task<bool> OutboxHasTraceAsync(string database, string traceId)
    {
        await using var connection = new NpgsqlConnection(await omni.App.GetConnectionStringAsync(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE \"TraceParent\" LIKE $1 AND \"SentAt\" IS NOT NULL", connection)
        {
            Parameters = { new() { Value = $"00-{traceId}-%" } },
        };
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
