using Grpc.Core;
using Omni.Contracts.Routing;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Grpc;
using Omni.Routing.Tests.Support;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Telling_customers_where_they_stand(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Tells_waiting_customers_their_place_and_estimated_wait_as_the_queue_moves()
    {
        // One agent with room for one web chat: the first is offered, the other two wait in line.
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries", capacity: 34, online: false);
        var first = await fixture.WaitingInAsync(queue);
        var second = await fixture.WaitingInAsync(queue);
        var third = await fixture.WaitingInAsync(queue);
        await anna.SetPresenceAsync(PresenceStates.Online);
        await anna.AcceptNextOfferAsync(first);

        var secondInLine = await ToldAsync(second, position: 1);
        var thirdInLine = await ToldAsync(third, position: 2);
        Assert.NotNull(secondInLine.EstimatedWaitSeconds);
        Assert.True(thirdInLine.EstimatedWaitSeconds >= secondInLine.EstimatedWaitSeconds,
            $"third waits {thirdInLine.EstimatedWaitSeconds} s, second {secondInLine.EstimatedWaitSeconds} s");

        // Anna finishes; the second is offered to her and the third moves up.
        await anna.ResolveAsync(first.Id);
        await anna.AcceptNextOfferAsync(second);

        var thirdMovedUp = await ToldAsync(third, position: 1);
        Assert.NotNull(thirdMovedUp.EstimatedWaitSeconds);
    }

    [Fact]
    public async Task Tells_a_waiting_customer_no_estimate_while_nobody_who_could_help_is_online()
    {
        var queue = await fixture.QueueAsync();

        var conversation = await fixture.WaitingInAsync(queue);

        var told = await ToldAsync(conversation, position: 1);
        Assert.Null(told.EstimatedWaitSeconds);
    }

    [Fact]
    public async Task Answers_over_grpc_where_a_waiting_conversation_stands()
    {
        var queue = await fixture.QueueAsync();
        var conversation = await fixture.WaitingInAsync(queue);
        await ToldAsync(conversation, position: 1);

        var status = await fixture.Grpc.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = conversation.CustomerId.ToString() });

        Assert.Equal(conversation.Id.ToString(), status.ConversationId);
        Assert.Equal(ConversationState.Queued, status.State);
        Assert.Equal(1, status.Position);
        Assert.Equal(queue.Queue.Name, status.QueueName);
        Assert.Equal("", status.AgentFirstName);
    }

    [Fact]
    public async Task Answers_over_grpc_the_first_name_of_the_agent_who_has_the_conversation()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(conversation);

        var status = await fixture.Grpc.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = conversation.CustomerId.ToString() });

        Assert.Equal(ConversationState.Assigned, status.State);
        Assert.Equal("Anna", status.AgentFirstName);
        Assert.Equal(0, status.Position);
    }

    [Fact]
    public async Task Answers_over_grpc_what_an_agent_carries()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries", capacity: 100);
        var handled = await fixture.WaitingInAsync(queue);
        await anna.AcceptNextOfferAsync(handled);
        var offered = await fixture.WaitingInAsync(queue, "email");
        await anna.OfferOfAsync(offered.Id);

        var workload = await fixture.Grpc.GetAgentWorkloadAsync(new GetAgentWorkloadRequest { AgentId = anna.AgentId.ToString() });

        Assert.Equal(PresenceStates.Online, workload.Presence);
        Assert.Equal(100, workload.Capacity);
        Assert.Equal(34 + 20, workload.Load);
        Assert.Equal([handled.Id.ToString()], workload.ConversationIds);
        Assert.Equal([offered.Id.ToString()], workload.OfferedConversationIds);
    }

    [Fact]
    public async Task Answers_not_found_over_grpc_for_an_unknown_agent()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Grpc.GetAgentWorkloadAsync(new GetAgentWorkloadRequest { AgentId = Guid.CreateVersion7().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    /// <summary>The StatusChanged that told the customer they are at <paramref name="position"/>.</summary>
    private async Task<StatusChanged> ToldAsync(TestConversation conversation, int position) =>
        (await fixture.StatusChanges.WaitFor(
            s => s.ConversationId == conversation.Id && s.State == ConversationState.Queued && s.Position == position,
            $"conversation {conversation.Id} to be told it is number {position}")).Message;
}
