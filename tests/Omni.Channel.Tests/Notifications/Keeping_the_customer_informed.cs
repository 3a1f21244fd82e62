using MassTransit;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.WebChat;
using Omni.Contracts.Routing;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Notifications;

/// <summary>Routing's <see cref="StatusChanged"/> told to the customer on the channel they used last, only when it matters.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Keeping_the_customer_informed(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Tells_a_visitor_their_place_in_the_language_they_write_once_per_meaningful_change_and_the_agents_name()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        await http.SettledAsync((await page.SendAsync("Waar blijft mijn pakket?")).Id);
        var (customerId, conversationId, at) = (session.CustomerId!.Value, Guid.CreateVersion7(), DateTimeOffset.UtcNow);

        // A visitor's address says nothing of their language; routing's reading of their words does.
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7()).ToArray();
        await fixture.Bus.Publish(new StatusChanged(conversationId, customerId, "queued", 5, 240, null, at, "nl"), c => c.MessageId = ids[0]);
        var queued = await page.PushedMessageAsync(m => m.Sender == "system", "the queue notice on the page");
        Assert.Equal("Je bent nummer 5 in de wachtrij, de verwachte wachttijd is ongeveer 4 minuten.", queued.Text);

        // One place up a few seconds later is no news; a repeat or a late event neither.
        await fixture.Bus.Publish(new StatusChanged(conversationId, customerId, "queued", 4, 200, null, at.AddSeconds(10), "nl"), c => c.MessageId = ids[1]);
        await fixture.Bus.Publish(new StatusChanged(conversationId, customerId, "queued", 5, 240, null, at, "nl"), c => c.MessageId = ids[2]);
        await fixture.Bus.Publish(new StatusChanged(conversationId, customerId, "assigned", null, null, "Eva", at.AddSeconds(20), "nl"), c => c.MessageId = ids[3]);
        await Eventually.True(async () => await fixture.Database.InboxProcessedAsync("channel-status-changed", ids) == 4, "all four to be consumed");

        var assigned = await page.PushedMessageAsync(m => m.Sender == "system" && m.Text.Contains("Eva"), "the agent's name on the page");
        Assert.Equal("Eva helpt je nu verder.", assigned.Text);
        Assert.Equal(2, page.Pushed.Count(m => m.Sender == "system"));
    }
}
