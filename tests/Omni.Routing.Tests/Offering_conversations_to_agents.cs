using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Offering_conversations_to_agents(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Offers_a_waiting_conversation_over_the_hub_to_an_online_agent_with_the_skills()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");

        var conversation = await fixture.WaitingInAsync(queue, "whatsapp", summary: "Parcel 12345 never arrived.");

        var offer = await anna.OfferOfAsync(conversation.Id);
        Assert.Equal(conversation.CustomerId, offer.CustomerId);
        Assert.Equal("whatsapp", offer.Channel);
        Assert.Equal(queue.Id, offer.QueueId);
        Assert.Equal(queue.Queue.Name, offer.QueueName);
        Assert.Equal("Parcel 12345 never arrived.", offer.Summary);
        Assert.True(offer.ExpiresAt > offer.QueuedAt);
        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(conversation));
        var workload = await fixture.WorkloadOfAsync(anna.AgentId);
        Assert.Equal([conversation.Id], workload.Offers.Select(o => o.ConversationId));
    }

    [Fact]
    public async Task Assigns_the_conversation_when_the_agent_accepts_and_tells_the_customer_the_agents_first_name()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);

        await anna.AcceptNextOfferAsync(conversation);

        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
        var told = await fixture.StatusChanges.WaitFor(s => s.ConversationId == conversation.Id && s.State == ConversationState.Assigned, "StatusChanged: assigned");
        Assert.Equal("Anna", told.Message.AgentFirstName);
        await Eventually.True(() => Task.FromResult(anna.Assignments.Any(a => a.ConversationId == conversation.Id)), "Anna's desk to hear of the assignment");
        var workload = await fixture.WorkloadOfAsync(anna.AgentId);
        Assert.Equal([conversation.Id], workload.Conversations.Select(c => c.ConversationId));
        Assert.Empty(workload.Offers);
        Assert.Equal(34, workload.Load);
    }

    [Fact]
    public async Task Accepts_over_the_hub_as_over_http()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.OfferOfAsync(conversation.Id);

        await anna.Hub.InvokeAsync("Accept", conversation.Id);

        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Offers_nothing_to_agents_who_are_away_or_lack_the_skill_until_one_with_it_comes_online()
    {
        var queue = await fixture.QueueAsync();
        await using var away = await fixture.AgentForAsync(queue, "Anna de Vries", online: false);
        await away.SetPresenceAsync(PresenceStates.Away);
        await using var unskilled = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 });
        var conversation = await fixture.WaitingInAsync(queue);

        await fixture.RouterPassAsync();

        Assert.Empty(away.Offers);
        Assert.Empty(unskilled.Offers);
        await away.SetPresenceAsync(PresenceStates.Online);
        await away.OfferOfAsync(conversation.Id);
    }

    [Fact]
    public async Task Offers_the_conversation_to_the_next_agent_when_one_declines_and_never_to_them_again()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        await using var bram = await fixture.AgentForAsync(queue, "Bram Bakker");
        var conversation = await fixture.WaitingInAsync(queue);
        var (first, second) = await FirstOfferedAsync(conversation, anna, bram);

        var declined = await first.DeclineAsync(conversation.Id);

        Assert.Equal(HttpStatusCode.NoContent, declined.StatusCode);
        await second.OfferOfAsync(conversation.Id);
        await fixture.RouterPassAsync();
        Assert.Single(first.Offers, o => o.ConversationId == conversation.Id);
        var decisions = await fixture.DecisionsOfAsync(conversation.Id);
        Assert.Equal(["offered", "declined", "offered"], decisions.Where(d => d.Kind is "offered" or "declined").Select(d => d.Kind));
        Assert.Equal([first.AgentId, first.AgentId, second.AgentId], decisions.Where(d => d.Kind is "offered" or "declined").Select(d => d.AgentId!.Value));
    }

    [Fact]
    public async Task Offers_the_conversation_to_the_next_agent_when_an_offer_is_not_accepted_in_time()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        await using var bram = await fixture.AgentForAsync(queue, "Bram Bakker");
        var conversation = await fixture.WaitingInAsync(queue);
        var (first, second) = await FirstOfferedAsync(conversation, anna, bram);

        // Nobody answers: Routing:OfferTimeout is short in these tests.
        await second.OfferOfAsync(conversation.Id);

        await Eventually.True(() => Task.FromResult(first.Withdrawn.Any(w => w.ConversationId == conversation.Id)), "the lapsed offer to be withdrawn from the first desk");
        Assert.Equal(HttpStatusCode.Forbidden, (await first.AcceptAsync(conversation.Id)).StatusCode);
        var decisions = (await fixture.DecisionsOfAsync(conversation.Id)).Where(d => d.Kind is "offered" or "offer-lapsed").Take(3).ToList();
        Assert.Equal(["offered", "offer-lapsed", "offered"], decisions.Select(d => d.Kind));
        Assert.Equal([first.AgentId, first.AgentId, second.AgentId], decisions.Select(d => d.AgentId!.Value));
        Assert.Contains("not accepted in time", decisions[1].Reason);
    }

    [Fact]
    public async Task Answers_403_to_an_agent_accepting_or_declining_what_is_not_offered_to_them()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        await using var carla = await fixture.AgentAsync("Carla Cruz", new Dictionary<string, int> { ["something-else"] = 10 });
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.OfferOfAsync(conversation.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await carla.AcceptAsync(conversation.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carla.DeclineAsync(conversation.Id)).StatusCode);
        await Assert.ThrowsAsync<HubException>(() => carla.Hub.InvokeAsync("Accept", conversation.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await carla.AcceptAsync(Guid.CreateVersion7())).StatusCode);
        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Never_offers_an_agent_more_than_their_capacity()
    {
        // Capacity 100, a web chat weighs 34: two fit, a third does not.
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries", capacity: 100, online: false);
        var conversations = new List<TestConversation>();
        for (var i = 0; i < 3; i++) conversations.Add(await fixture.WaitingInAsync(queue));
        await anna.SetPresenceAsync(PresenceStates.Online);

        var first = await anna.NthOfferAsync(1);
        var second = await anna.NthOfferAsync(2);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.AcceptAsync(first.ConversationId)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.AcceptAsync(second.ConversationId)).StatusCode);
        await fixture.RouterPassAsync();

        Assert.Equal(2, anna.Offers.Count);
        var workload = await fixture.WorkloadOfAsync(anna.AgentId);
        Assert.Equal(68, workload.Load);
        Assert.Empty(workload.Offers);
        var third = Assert.Single(conversations, c => c.Id != first.ConversationId && c.Id != second.ConversationId);
        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(third));
    }

    [Fact]
    public async Task Gives_a_call_to_an_agent_with_nothing_else_and_nothing_else_to_an_agent_on_a_call()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var chat = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(chat);
        await using var bram = await fixture.AgentForAsync(queue, "Bram Bakker");

        var call = await fixture.WaitingInAsync(queue, "voice");
        await bram.AcceptNextOfferAsync(call);
        var chatAfterCall = await fixture.WaitingInAsync(queue);

        await anna.OfferOfAsync(chatAfterCall.Id);
        await fixture.RouterPassAsync();
        Assert.DoesNotContain(anna.Offers, o => o.ConversationId == call.Id);
        Assert.DoesNotContain(bram.Offers, o => o.ConversationId == chatAfterCall.Id);
        Assert.Equal(100, (await fixture.WorkloadOfAsync(bram.AgentId)).Load);
    }

    /// <summary>Which of two desks got the conversation's first offer, and the other.</summary>
    private static async Task<(AgentDesk First, AgentDesk Second)> FirstOfferedAsync(TestConversation conversation, AgentDesk a, AgentDesk b)
    {
        var first = await Eventually.Get(() => Task.FromResult(
            a.Offers.Any(o => o.ConversationId == conversation.Id) ? a : b.Offers.Any(o => o.ConversationId == conversation.Id) ? b : null),
            $"conversation {conversation.Id} to be offered to one of the two");
        return first == a ? (a, b) : (b, a);
    }
}
