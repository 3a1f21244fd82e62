using System.Net;
using System.Net.Http.Json;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Desk;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Replying_and_resolving(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Sends_the_agents_reply_to_the_customer_and_waits_on_them_until_they_answer()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue, "sms");
        await anna.AcceptNextOfferAsync(conversation);

        var reply = await anna.ReplyAsync(conversation.Id, "Your parcel is on its way again.");

        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var accepted = (await reply.Content.ReadFromJsonAsync<ReplyAccepted>())!;
        var (_, command) = await fixture.SendCommands.WaitFor(c => c.MessageId == accepted.MessageId, "the reply as a SendMessage command");
        Assert.Equal(conversation.CustomerId, command.CustomerId);
        Assert.Equal(conversation.Id, command.ConversationId);
        Assert.Equal("Your parcel is on its way again.", command.Text);
        Assert.Equal("agent", command.Sender);
        Assert.Null(command.Channel); // the channel the customer used last
        Assert.Equal(ConversationState.WaitingOnCustomer, await fixture.StateOfAsync(conversation));

        var answer = Received.On(conversation.CustomerId, "sms");
        await fixture.DeliverAsync(answer);

        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
        await Eventually.True(() => Task.FromResult(anna.Messages.Any(m => m.MessageId == answer.MessageId)), "Anna's desk to hear of the customer's answer");
    }

    [Fact]
    public async Task Answers_403_to_an_agent_replying_in_a_conversation_that_is_not_theirs()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 });

        var reply = await bram.ReplyAsync(conversation.Id, "Hello from someone else");

        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.Empty(fixture.SendCommands.Matching(c => c.ConversationId == conversation.Id));
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Answers_400_naming_the_text_of_an_empty_reply()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);

        var reply = await anna.ReplyAsync(conversation.Id, "   ");

        Assert.Equal(["text"], await Scenarios.ProblemFieldsAsync(reply));
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Resolves_a_conversation_by_its_agent_and_answers_403_to_another()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 });

        Assert.Equal(HttpStatusCode.Forbidden, (await bram.ResolveAsync(conversation.Id)).StatusCode);
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));

        Assert.Equal(HttpStatusCode.NoContent, (await anna.ResolveAsync(conversation.Id)).StatusCode);

        Assert.Equal(ConversationState.Resolved, await fixture.StateOfAsync(conversation));
        await fixture.StatusChanges.WaitFor(s => s.ConversationId == conversation.Id && s.State == ConversationState.Resolved, "StatusChanged: resolved");
        await Eventually.True(() => Task.FromResult(anna.Resolutions.Contains(conversation.Id)), "Anna's desk to hear of the resolution");
        Assert.Equal(0, (await fixture.WorkloadOfAsync(anna.AgentId)).Load);
        Assert.Equal(HttpStatusCode.Conflict, (await anna.ResolveAsync(conversation.Id)).StatusCode);
    }

    [Fact]
    public async Task Lets_a_supervisor_resolve_any_conversation()
    {
        var queue = await fixture.QueueAsync();
        var conversation = await fixture.WaitingInAsync(queue);
        using var supervisor = fixture.SupervisorClient();

        var resolved = await supervisor.PostAsync($"/api/v1/conversations/{conversation.Id}/resolve", null);

        Assert.Equal(HttpStatusCode.NoContent, resolved.StatusCode);
        Assert.Equal(ConversationState.Resolved, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Opens_a_linked_conversation_when_the_customer_comes_back_within_seven_days_and_offers_it_to_the_same_agent()
    {
        var queue = await fixture.QueueAsync();
        // Bram has been idle since before Anna finished: without the preference for her he would be offered it.
        await using var bram = await fixture.AgentForAsync(queue, "Bram Bakker", online: false);
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var first = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(first);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.ResolveAsync(first.Id)).StatusCode);
        await bram.SetPresenceAsync(PresenceStates.Online);

        var again = await fixture.FirstMessageAsync("web", first.CustomerId);
        await fixture.HandOverAsync(again, queue.Topic);

        Assert.NotEqual(first.Id, again.Id);
        var reopened = Assert.Single(await fixture.ConversationsOfAsync(first.CustomerId), c => c.Id == again.Id);
        Assert.Equal(first.Id, reopened.ReopenedFromId);
        Assert.Contains(await fixture.DecisionsOfAsync(again.Id), d => d.Kind == "reopened" && d.AgentId == anna.AgentId);
        await anna.OfferOfAsync(again.Id);
        Assert.DoesNotContain(bram.Offers, o => o.ConversationId == again.Id);
    }
}
