using Grpc.Core;
using Omni.Routing.Conversations;
using Omni.Routing.Grpc;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Answering_status_over_grpc(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Returns_the_open_conversation_of_a_customer()
    {
        var customer = Received.NewCustomer();
        var first = Received.On(customer, "web");
        var second = Received.On(customer, "sms", first.ReceivedAt.AddSeconds(10));
        await fixture.DeliverAsync(first);
        await fixture.DeliverAsync(second);
        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));

        var status = await fixture.Grpc.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = customer.ToString() });

        Assert.Equal(conversation.Id.ToString(), status.ConversationId);
        Assert.True(ConversationState.IsOpen(status.State), status.State);
        Assert.Equal(2, status.MessageCount);
        Assert.Equal("sms", status.LastChannel);
        Assert.Equal(second.ReceivedAt, status.LastMessageAt.ToDateTimeOffset());
        Assert.Equal(conversation.OpenedAt, status.OpenedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Answers_not_found_for_a_customer_without_an_open_conversation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Grpc.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = Guid.CreateVersion7().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Answers_invalid_argument_for_a_customer_id_that_is_not_a_uuid()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Grpc.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = "customer-1" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
