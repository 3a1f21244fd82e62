extern alias channel;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using channel::Omni.Channel.Messages;
using Omni.Routing.Conversations;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Serving_conversations(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Shows_a_conversation_with_the_text_of_its_messages_across_channels_oldest_first()
    {
        using var channelHttp = fixture.Channel.CreateClient();
        var mobile = "06" + Random.Shared.Next(10_000_000, 60_000_000);   // 06-1… to 06-5…: valid Dutch mobiles

        // Real messages: posted to the channel, resolved by identity, announced through the outbox.
        var first = await PostAsync(channelHttp, "sms", "phone", mobile, "My parcel did not arrive");
        var second = await PostAsync(channelHttp, "whatsapp", "phone", "+31 " + mobile[1..], "Order 12345, still nothing");
        var customerId = (await SettledAsync(channelHttp, first)).CustomerId!.Value;
        Assert.Equal(customerId, (await SettledAsync(channelHttp, second)).CustomerId);

        var summary = await Eventually.Get(async () =>
            (await fixture.ConversationsOfAsync(customerId)).SingleOrDefault(c => c.MessageCount == 2), "both messages to be attached");
        using var routingHttp = fixture.SupervisorClient();
        var conversation = (await routingHttp.GetFromJsonAsync<ConversationDto>($"/api/v1/conversations/{summary.Id}"))!;

        Assert.Equal(customerId, conversation.CustomerId);
        Assert.True(ConversationState.IsOpen(conversation.Status), conversation.Status);
        Assert.Equal("whatsapp", conversation.LastChannel);
        // The customer's own messages; the service's replies and notices (outbound) may sit between them.
        var inbound = conversation.Messages.Where(m => m.Direction == "inbound").ToList();
        Assert.Equal([first, second], inbound.Select(m => m.Id));
        Assert.Equal(["My parcel did not arrive", "Order 12345, still nothing"], inbound.Select(m => m.Text));
        Assert.Equal(["sms", "whatsapp"], inbound.Select(m => m.Channel));
    }

    [Fact]
    public async Task Shows_a_conversation_of_more_messages_than_the_channel_returns_in_one_call()
    {
        using var channelHttp = fixture.Channel.CreateClient();
        var first = await PostAsync(channelHttp, "email", "email", $"chatty.{Guid.NewGuid():N}@example.nl", "The one the channel holds");
        var received = await SettledAsync(channelHttp, first);
        var customerId = received.CustomerId!.Value;
        // The channel's GetMessages takes at most 500 ids per call; this conversation holds 501 messages. The other 500
        // (older, so they do not contend for the conversation's row) are announced straight onto the bus: the channel
        // does not hold them, so it leaves them out of the transcript.
        await Task.WhenAll(Enumerable.Range(1, 500).Select(i =>
            fixture.DeliverAsync(Received.On(customerId, "web", received.ReceivedAt.AddMilliseconds(-i)))));
        var summary = await Eventually.Get(async () =>
            (await fixture.ConversationsOfAsync(customerId)).SingleOrDefault(c => c.MessageCount == 501), "all 501 messages to be attached");
        using var routingHttp = fixture.SupervisorClient();

        var response = await routingHttp.GetAsync($"/api/v1/conversations/{summary.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = (await response.Content.ReadFromJsonAsync<ConversationDto>())!;
        Assert.Equal("The one the channel holds", Assert.Single(conversation.Messages, m => m.Direction == "inbound").Text);
    }

    [Fact]
    public async Task Answers_503_problem_when_the_channel_holding_the_transcript_does_not_answer()
    {
        var customer = Received.NewCustomer();
        await fixture.DeliverAsync(Received.On(customer, "web"));
        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        // A second routing instance on the same database whose channel address has nobody listening.
        await using var cutOff = fixture.NewRoutingHost(new Dictionary<string, GrpcServer>
        {
            ["ChannelApiClient"] = GrpcServer.At($"http://127.0.0.1:{ClosedLoopbackPort()}"),
            ["IdentityApiClient"] = GrpcServer.InProcess(fixture.Identity),
        });
        using var http = cutOff.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Tokens.Supervisor());

        var response = await http.GetAsync($"/api/v1/conversations/{conversation.Id}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Lists_nothing_for_a_customer_without_conversations()
    {
        Assert.Empty(await fixture.ConversationsOfAsync(Guid.CreateVersion7()));
    }

    [Fact]
    public async Task Answers_400_naming_customerId_when_listing_without_it()
    {
        using var http = fixture.SupervisorClient();

        var response = await http.GetAsync("/api/v1/conversations");

        Assert.Equal(["customerId"], await Scenarios.ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Answers_400_naming_customerId_when_it_is_not_a_uuid()
    {
        using var http = fixture.SupervisorClient();

        var response = await http.GetAsync("/api/v1/conversations?customerId=not-a-uuid");

        Assert.Equal(["customerId"], await Scenarios.ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Answers_401_problem_to_a_caller_without_a_token()
    {
        using var anonymous = fixture.Client(token: null);

        var response = await anonymous.GetAsync($"/api/v1/conversations?customerId={Guid.CreateVersion7()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_conversation()
    {
        using var http = fixture.SupervisorClient();

        var response = await http.GetAsync($"/api/v1/conversations/{Guid.CreateVersion7()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<Guid> PostAsync(HttpClient channel, string on, string kind, string address, string text)
    {
        var response = await channel.PostAsJsonAsync("/api/v1/messages", new { channel = on, from = new { kind, address }, text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageDto>())!.Id;
    }

    private static Task<MessageDto> SettledAsync(HttpClient channel, Guid id) =>
        Eventually.Get(async () => await channel.GetFromJsonAsync<MessageDto>($"/api/v1/messages/{id}") is { Status: "received" } m ? m : null,
            $"message {id} to be received");
}
