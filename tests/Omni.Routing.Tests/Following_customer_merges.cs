using System.Net;
using Omni.Contracts.Identity;
using Omni.Routing.Conversations;
using Omni.Routing.Tests.Support;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Following_customer_merges(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Makes_two_open_conversations_of_merged_customers_one_with_every_message()
    {
        var survivor = await fixture.FirstMessageAsync("whatsapp");
        var merged = await fixture.FirstMessageAsync("email");
        await fixture.DeliverAsync(Received.On(merged.CustomerId, "email"));

        await fixture.PublishAsync(Merge(survivor.CustomerId, merged.CustomerId));

        Assert.Empty(await fixture.ConversationsOfAsync(merged.CustomerId));
        var conversations = await fixture.ConversationsOfAsync(survivor.CustomerId);
        var open = Assert.Single(conversations, c => ConversationState.IsOpen(c.Status));
        Assert.Equal(survivor.Id, open.Id);
        Assert.Equal(3, open.MessageCount);
        var closed = Assert.Single(conversations, c => c.Id == merged.Id);
        Assert.Equal(ConversationState.Closed, closed.Status);
        Assert.Contains(await fixture.DecisionsOfAsync(merged.Id), d => d.Kind == "merged" && d.Reason.Contains(survivor.Id.ToString()));
    }

    [Fact]
    public async Task Moves_the_merged_customers_conversations_to_the_survivor()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var survivorCustomer = Received.NewCustomer();
        var resolved = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(resolved);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.ResolveAsync(resolved.Id)).StatusCode);
        var open = await fixture.FirstMessageAsync("sms", resolved.CustomerId);

        await fixture.PublishAsync(Merge(survivorCustomer, resolved.CustomerId));

        Assert.Empty(await fixture.ConversationsOfAsync(resolved.CustomerId));
        var moved = await fixture.ConversationsOfAsync(survivorCustomer);
        Assert.Equal([open.Id, resolved.Id], moved.Select(c => c.Id));
        Assert.True(ConversationState.IsOpen(moved[0].Status), moved[0].Status);
        Assert.Equal(ConversationState.Resolved, moved[1].Status);
        // The survivor writes again: it joins the conversation that came with the merge.
        await fixture.DeliverAsync(Received.On(survivorCustomer, "web"));
        Assert.Equal(2, Assert.Single(await fixture.ConversationsOfAsync(survivorCustomer), c => c.Id == open.Id).MessageCount);
    }

    [Fact]
    public async Task Changes_nothing_when_the_same_merge_arrives_twice()
    {
        var survivor = await fixture.FirstMessageAsync("whatsapp");
        var merged = await fixture.FirstMessageAsync("sms");
        var merge = Merge(survivor.CustomerId, merged.CustomerId);
        var busMessageId = Guid.CreateVersion7();

        await fixture.PublishAsync(merge, busMessageId);
        await fixture.PublishAsync(merge, busMessageId, handledTimes: 2);

        var conversations = await fixture.ConversationsOfAsync(survivor.CustomerId);
        Assert.Equal(2, Assert.Single(conversations, c => ConversationState.IsOpen(c.Status)).MessageCount);
        Assert.Equal(2, conversations.Length);
    }

    private static CustomersMerged Merge(Guid survivorId, Guid mergedId) =>
        new(Guid.CreateVersion7(), survivorId, mergedId, Guid.CreateVersion7(), DateTimeOffset.UtcNow);
}
