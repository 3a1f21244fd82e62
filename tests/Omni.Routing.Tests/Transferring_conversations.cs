using System.Net;
using System.Net.Http.Json;
using Omni.Routing.Conversations;
using Omni.Routing.Desk;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Transferring_conversations(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Transfers_to_a_queue_with_a_note_keeping_the_conversation_and_its_history()
    {
        var (billing, returns) = (await fixture.QueueAsync(), await fixture.QueueAsync());
        await using var anna = await fixture.AgentForAsync(billing, "Anna de Vries");
        await using var bram = await fixture.AgentForAsync(returns, "Bram Bakker");
        var conversation = await fixture.WaitingInAsync(billing, summary: "Wants a refund for order 12345.");
        await fixture.DeliverAsync(Received.On(conversation.CustomerId, "web"));
        await anna.AcceptNextOfferAsync(conversation);

        var transfer = await anna.TransferAsync(conversation.Id, toQueueId: returns.Id, note: "Refund: needs returns.");

        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        var same = Assert.Single(await fixture.ConversationsOfAsync(conversation.CustomerId));
        Assert.Equal(conversation.Id, same.Id);
        Assert.Equal(ConversationState.Queued, same.Status);
        Assert.Equal(2, same.MessageCount);
        var transferred = Assert.Single(await fixture.DecisionsOfAsync(conversation.Id), d => d.Kind == "transferred");
        Assert.Equal(returns.Id, transferred.QueueId);
        Assert.Equal(anna.AgentId, transferred.ActorId);
        Assert.Equal("Refund: needs returns.", transferred.Note);
        var offer = await bram.OfferOfAsync(conversation.Id);
        Assert.Equal("Wants a refund for order 12345.", offer.Summary);
        await Eventually.True(() => Task.FromResult(anna.Transfers.Any(t => t.ConversationId == conversation.Id && t.ToQueueId == returns.Id)),
            "Anna's desk to hear the conversation went");
        Assert.Equal(0, (await fixture.WorkloadOfAsync(anna.AgentId)).Load);
    }

    [Fact]
    public async Task Does_not_offer_a_conversation_back_to_the_agent_who_transferred_it_to_a_queue()
    {
        var (billing, returns) = (await fixture.QueueAsync(), await fixture.QueueAsync());
        await using var anna = await fixture.AgentAsync("Anna de Vries", new Dictionary<string, int> { [billing.Skill] = 8, [returns.Skill] = 8 });
        await using var bram = await fixture.AgentForAsync(returns, "Bram Bakker");
        var conversation = await fixture.WaitingInAsync(billing);
        await anna.AcceptNextOfferAsync(conversation);

        Assert.Equal(HttpStatusCode.OK, (await anna.TransferAsync(conversation.Id, toQueueId: returns.Id, note: "Not mine")).StatusCode);

        await bram.OfferOfAsync(conversation.Id);
        Assert.Single(anna.Offers, o => o.ConversationId == conversation.Id);
    }

    [Fact]
    public async Task Transfers_to_an_online_agent_with_room_who_gets_it_with_the_note()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 });

        var transfer = await anna.TransferAsync(conversation.Id, toAgentId: bram.AgentId, note: "Bram knows this customer.");

        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
        Assert.Equal([conversation.Id], (await fixture.WorkloadOfAsync(bram.AgentId)).Conversations.Select(c => c.ConversationId));
        Assert.Empty((await fixture.WorkloadOfAsync(anna.AgentId)).Conversations);
        await Eventually.True(() => Task.FromResult(bram.Transfers.Any(t => t.ConversationId == conversation.Id && t.Note == "Bram knows this customer.")),
            "Bram's desk to get the transfer with its note");
        await Eventually.True(() => Task.FromResult(bram.Assignments.Any(a => a.ConversationId == conversation.Id)), "Bram's desk to get the assignment");
        await fixture.StatusChanges.WaitFor(s => s.ConversationId == conversation.Id && s.AgentFirstName == "Bram", "the customer to be told Bram's name");
        // Bram may reply now, Anna no longer.
        Assert.Equal(HttpStatusCode.Accepted, (await bram.ReplyAsync(conversation.Id, "Hi, Bram here.")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.ReplyAsync(conversation.Id, "Still me?")).StatusCode);
    }

    [Fact]
    public async Task Answers_409_with_the_reason_when_transferring_to_an_agent_who_is_offline()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 }, online: false);

        var transfer = await anna.TransferAsync(conversation.Id, toAgentId: bram.AgentId);

        Assert.Contains("offline", await Scenarios.ProblemDetailAsync(transfer, HttpStatusCode.Conflict));
        Assert.Equal([conversation.Id], (await fixture.WorkloadOfAsync(anna.AgentId)).Conversations.Select(c => c.ConversationId));
    }

    [Fact]
    public async Task Answers_409_with_the_reason_when_transferring_to_an_agent_who_is_full()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        // Room for an e-mail (20), not for a web chat (34).
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 }, capacity: 20);

        var transfer = await anna.TransferAsync(conversation.Id, toAgentId: bram.AgentId);

        Assert.Contains("full", await Scenarios.ProblemDetailAsync(transfer, HttpStatusCode.Conflict));
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
        Assert.Equal(0, (await fixture.WorkloadOfAsync(bram.AgentId)).Load);
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_agent_or_queue_and_400_without_exactly_one_of_them()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);

        Assert.Equal(HttpStatusCode.NotFound, (await anna.TransferAsync(conversation.Id, toAgentId: Guid.CreateVersion7())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.TransferAsync(conversation.Id, toQueueId: Guid.CreateVersion7())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.TransferAsync(Guid.CreateVersion7(), toQueueId: queue.Id)).StatusCode);
        Assert.Equal(["toAgentId"], await Scenarios.ProblemFieldsAsync(await anna.TransferAsync(conversation.Id)));
        Assert.Equal(["toAgentId"], await Scenarios.ProblemFieldsAsync(await anna.TransferAsync(conversation.Id, anna.AgentId, queue.Id)));
        Assert.Equal(ConversationState.Assigned, await fixture.StateOfAsync(conversation));
    }

    [Fact]
    public async Task Answers_403_to_an_agent_transferring_a_conversation_that_is_not_theirs()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);
        await using var bram = await fixture.AgentAsync("Bram Bakker", new Dictionary<string, int> { ["something-else"] = 10 });

        var transfer = await bram.TransferAsync(conversation.Id, toAgentId: bram.AgentId);

        Assert.Equal(HttpStatusCode.Forbidden, transfer.StatusCode);
        Assert.Equal([conversation.Id], (await fixture.WorkloadOfAsync(anna.AgentId)).Conversations.Select(c => c.ConversationId));
    }

    [Fact]
    public async Task Lets_a_supervisor_move_a_waiting_conversation_to_another_queue()
    {
        var (from, to) = (await fixture.QueueAsync(), await fixture.QueueAsync());
        var conversation = await fixture.WaitingInAsync(from);
        using var supervisor = fixture.SupervisorClient();

        var moved = await supervisor.PostAsJsonAsync($"/api/v1/conversations/{conversation.Id}/transfer", new { toQueueId = to.Id, note = "Wrong queue" });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(to.Id, (await moved.Content.ReadFromJsonAsync<TransferNotice>())!.ToQueueId);
        Assert.Equal(to.Id, (await fixture.DecisionsOfAsync(conversation.Id)).Last(d => d.Kind == "queued").QueueId);
    }
}
