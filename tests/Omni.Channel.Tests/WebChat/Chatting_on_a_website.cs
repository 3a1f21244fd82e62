using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Omni.Channel.Accounts;
using Omni.Channel.Grpc;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Omni.Channel.Tests.Support;
using Omni.Channel.WebChat;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.WebChat;

[Collection(ChannelCollection.Name)]
public sealed class Chatting_on_a_website(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task A_visitors_message_is_stored_on_the_web_channel_and_resolved_to_the_visitors_customer()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);

        var sent = await page.SendAsync("Where is my order?", "first-message");

        Assert.Equal(WebChatMessage.FromVisitor, sent.From);
        Assert.Equal("first-message", sent.ClientMessageId);
        var stored = await http.SettledAsync(sent.Id);
        Assert.Equal("received", stored.Status);
        Assert.Equal("web", stored.Channel);
        Assert.Equal("inbound", stored.Direction);
        Assert.Equal("Where is my order?", stored.Text);
        Assert.Equal(session.CustomerId, stored.CustomerId);
        // The visitor is named by a hash of the token: the transcript never holds the token itself.
        Assert.Equal("web-visitor", stored.From.Kind);
        Assert.Equal(VisitorToken.VisitorId(session.VisitorToken), stored.From.Address);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(session.VisitorToken));
        await fixture.Announced.WaitFor(m => m.MessageId == sent.Id && m.Channel == "web", "MessageReceived for the web message");
    }

    [Fact]
    public async Task A_message_sent_again_after_a_reconnect_is_stored_once()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        var clientMessageId = Guid.NewGuid().ToString();

        WebChatMessage first;
        await using (var page = await fixture.OpenChatAsync(site, session.VisitorToken))
        {
            first = await page.SendAsync("Did this arrive?", clientMessageId);
        }
        await using var reconnected = await fixture.OpenChatAsync(site, session.VisitorToken);
        var again = await reconnected.SendAsync("Did this arrive?", clientMessageId);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(clientMessageId));
        Assert.Single(await reconnected.HistoryAsync(), m => m.ClientMessageId == clientMessageId);
    }

    [Fact]
    public async Task Another_visitor_using_the_same_client_message_id_gets_a_message_of_their_own()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        await using var one = await fixture.OpenChatAsync(site, (await http.StartSessionAsync(site)).VisitorToken);
        await using var other = await fixture.OpenChatAsync(site, (await http.StartSessionAsync(site)).VisitorToken);

        var mine = await one.SendAsync("My question", "message-1");
        var theirs = await other.SendAsync("Their question", "message-1");

        Assert.NotEqual(mine.Id, theirs.Id);
        Assert.Equal("Their question", theirs.Text);
    }

    [Fact]
    public async Task A_reconnecting_page_gets_the_conversation_in_and_out_oldest_first()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        WebChatMessage question, followUp;
        await using (var page = await fixture.OpenChatAsync(site, session.VisitorToken))
        {
            question = await page.SendAsync("Can I return shoes?");
            followUp = await page.SendAsync("They are unworn.");
        }
        await http.SettledAsync(followUp.Id);
        var reply = await ReplyAsync(http, session.CustomerId!.Value, "Yes, within 30 days.");

        await using var reconnected = await fixture.OpenChatAsync(site, session.VisitorToken);
        var history = await reconnected.HistoryAsync();

        Assert.Equal([question.Id, followUp.Id, reply.Id], history.Select(m => m.Id));
        Assert.Equal(["Can I return shoes?", "They are unworn.", "Yes, within 30 days."], history.Select(m => m.Text));
        Assert.Equal([WebChatMessage.FromVisitor, WebChatMessage.FromVisitor, WebChatMessage.FromAgent], history.Select(m => m.From));
    }

    [Fact]
    public async Task The_history_holds_only_the_visitors_own_conversation()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        await using var someoneElse = await fixture.OpenChatAsync(site, (await http.StartSessionAsync(site)).VisitorToken);
        await someoneElse.SendAsync("My private question");
        await using var visitor = await fixture.OpenChatAsync(site, (await http.StartSessionAsync(site)).VisitorToken);
        var mine = await visitor.SendAsync("Hello");

        var history = await visitor.HistoryAsync();

        Assert.Equal([mine.Id], history.Select(m => m.Id));
    }

    [Fact]
    public async Task An_agents_reply_on_the_web_channel_arrives_on_every_open_page_of_the_visitor()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await using var secondTab = await fixture.OpenChatAsync(site, session.VisitorToken);
        await http.SettledAsync((await page.SendAsync("Is anyone there?")).Id);

        var reply = await ReplyAsync(http, session.CustomerId!.Value, "Hi! How can I help?");

        foreach (var open in new[] { page, secondTab })
        {
            var pushed = await open.PushedMessageAsync(m => m.Id == reply.Id, "the reply on the visitor's page");
            Assert.Equal(WebChatMessage.FromAgent, pushed.From);
            Assert.Equal("Hi! How can I help?", pushed.Text);
        }
        var delivered = await Eventually.Get(async () => await http.GetMessageAsync(reply.Id) is { Status: "sent" } m ? m : null, "the reply to be marked sent");
        Assert.Equal("outbound", delivered.Direction);
        Assert.Single(page.Pushed, m => m.Id == reply.Id);
    }

    [Fact]
    public async Task A_message_and_typing_reach_the_visitors_other_tabs_and_not_the_sender()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var typist = await fixture.OpenChatAsync(site, session.VisitorToken);
        await using var otherTab = await fixture.OpenChatAsync(site, session.VisitorToken);

        await typist.Connection.InvokeAsync("Typing");
        var sent = await typist.SendAsync("Typed in the first tab");

        await otherTab.PushedMessageAsync(m => m.Id == sent.Id, "the message in the other tab");
        await Eventually.True(() => Task.FromResult(otherTab.TypingNotices == 1), "the typing notice in the other tab");
        Assert.Empty(typist.Pushed);
        Assert.Equal(0, typist.TypingNotices);
    }

    [Fact]
    public async Task A_reply_handed_over_by_another_channel_instance_reaches_the_page_through_the_redis_backplane()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await using var otherInstance = new ConnectedServiceFactory<ChannelGrpcService>(fixture.Infrastructure,
            new Dictionary<string, GrpcServer> { [ChannelServiceFixture.IdentityClientName] = GrpcServer.InProcess(fixture.Identity) });
        var account = await otherInstance.Services.GetRequiredService<WebChatSites>().FindAsync(site, CancellationToken.None);
        var web = otherInstance.Services.GetServices<IOutboundTransport>().Single(t => t.Channel == "web");
        var reply = new Message
        {
            Id = Guid.CreateVersion7(), Direction = MessageDirection.Outbound, Channel = "web", CustomerId = session.CustomerId,
            SenderKind = VisitorToken.IdentityKind, SenderAddress = VisitorToken.VisitorId(session.VisitorToken),
            Text = "Sent from the other instance", ReceivedAt = DateTimeOffset.UtcNow, Status = MessageStatus.Queued,
        };

        var result = await web.SendAsync(reply, new ChannelAccount { Id = account!.AccountId, Kind = "web", Name = "Test shop", Address = site }, CancellationToken.None);

        Assert.IsType<TransportResult.Accepted>(result);
        var pushed = await page.PushedMessageAsync(m => m.Id == reply.Id, "the reply from the other instance on the page");
        Assert.Equal("Sent from the other instance", pushed.Text);
    }

    [Fact]
    public async Task An_agent_typing_shows_on_every_open_page_of_the_customer_and_on_no_one_elses()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await using var secondTab = await fixture.OpenChatAsync(site, session.VisitorToken);
        await using var someoneElse = await fixture.OpenChatAsync(site, (await http.StartSessionAsync(site)).VisitorToken);
        await http.SettledAsync((await page.SendAsync("Can I change my delivery address?")).Id);
        await http.SettledAsync((await someoneElse.SendAsync("Hello?")).Id);

        var response = await http.PostAsJsonAsync("/api/v1/messages/typing", new { customerId = session.CustomerId });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var open in new[] { page, secondTab })
        {
            await Eventually.True(() => Task.FromResult(open.Typists.Contains("agent")), "the agent's typing on the customer's page");
        }
        // The same signal by conversation, once a message in it names the customer.
        var conversationId = Guid.CreateVersion7();
        var reply = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId = session.CustomerId, conversationId, text = "Yes, tell me the new one." });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/v1/messages/typing", new { conversationId })).StatusCode);
        await Eventually.True(() => Task.FromResult(page.Typists.Count(t => t == "agent") == 2), "the second typing notice");
        Assert.Empty(someoneElse.Typists);
    }

    [Fact]
    public async Task Agent_typing_needs_a_customer_or_a_conversation_the_channel_knows()
    {
        using var http = fixture.Channel.CreateClient();

        var neither = await http.PostAsJsonAsync("/api/v1/messages/typing", new { });
        var unknown = await http.PostAsJsonAsync("/api/v1/messages/typing", new { conversationId = Guid.CreateVersion7() });
        var malformed = await http.PostAsync("/api/v1/messages/typing", new StringContent("{\"customerId\": 42}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(["customerId"], await neither.ProblemFieldsAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<MessageDto> ReplyAsync(HttpClient http, Guid customerId, string text)
    {
        var response = await http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId, channel = "web", text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageDto>())!;
    }
}
