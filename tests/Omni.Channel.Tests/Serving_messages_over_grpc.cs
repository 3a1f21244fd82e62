using Grpc.Core;
using Omni.Channel.Grpc;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests;

[Collection(ChannelCollection.Name)]
public sealed class Serving_messages_over_grpc(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Returns_the_asked_messages_oldest_first_and_leaves_unknown_ids_out()
    {
        using var http = fixture.Channel.CreateClient();
        var mobile = Inbound.NewDutchMobile();
        var first = await http.PostAcceptedAsync(Inbound.Body("phone", mobile, "first", channel: "sms"));
        var second = await http.PostAcceptedAsync(Inbound.Body("phone", mobile, "second", channel: "whatsapp"));
        var third = await http.PostAcceptedAsync(Inbound.Body("phone", mobile, "third", channel: "voice"));
        var settled = await http.SettledAsync(third.Id);

        var request = new GetMessagesRequest();
        request.MessageIds.Add([third.Id.ToString(), Guid.CreateVersion7().ToString(), first.Id.ToString(), second.Id.ToString()]);
        var reply = await fixture.Grpc.GetMessagesAsync(request);

        Assert.Equal([first.Id.ToString(), second.Id.ToString(), third.Id.ToString()], reply.Messages.Select(m => m.MessageId));
        Assert.Equal(["first", "second", "third"], reply.Messages.Select(m => m.Text));
        Assert.Equal(["sms", "whatsapp", "voice"], reply.Messages.Select(m => m.Channel));
        var last = reply.Messages[^1];
        Assert.Equal("inbound", last.Direction);
        Assert.Equal("received", last.Status);
        Assert.Equal(settled.CustomerId.ToString(), last.CustomerId);
        Assert.Equal(settled.ReceivedAt, last.ReceivedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Answers_an_empty_list_for_no_ids()
    {
        var reply = await fixture.Grpc.GetMessagesAsync(new GetMessagesRequest());

        Assert.Empty(reply.Messages);
    }

    [Fact]
    public async Task Refuses_more_than_500_ids_as_an_invalid_argument()
    {
        var request = new GetMessagesRequest();
        request.MessageIds.Add(Enumerable.Range(0, 501).Select(_ => Guid.CreateVersion7().ToString()));

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Grpc.GetMessagesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("message_ids", error.Status.Detail);
    }

    [Fact]
    public async Task Answers_exactly_500_ids()
    {
        var request = new GetMessagesRequest();
        request.MessageIds.Add(Enumerable.Range(0, 500).Select(_ => Guid.CreateVersion7().ToString()));

        var reply = await fixture.Grpc.GetMessagesAsync(request);

        Assert.Empty(reply.Messages);
    }

    [Fact]
    public async Task Refuses_an_id_that_is_not_a_uuid_as_an_invalid_argument()
    {
        var request = new GetMessagesRequest();
        request.MessageIds.Add([Guid.CreateVersion7().ToString(), "not-a-uuid"]);

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Grpc.GetMessagesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
