using Omni.Channel.Tests.Support;
using Omni.Contracts.Identity;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests;

[Collection(ChannelCollection.Name)]
public sealed class Following_merges(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Gives_the_survivor_every_message_and_an_undo_gives_them_back()
    {
        using var http = fixture.Channel.CreateClient();
        var survivorMessage = await http.SettledAsync((await http.PostAcceptedAsync(Inbound.Body("email", Inbound.NewEmail(), "First address"))).Id);
        var mergedMessage = await http.SettledAsync((await http.PostAcceptedAsync(Inbound.Body("email", Inbound.NewEmail(), "Second address"))).Id);
        var (survivor, merged) = (survivorMessage.CustomerId!.Value, mergedMessage.CustomerId!.Value);
        Assert.NotEqual(survivor, merged);
        await using var bus = await TestBus.StartAsync(fixture.Infrastructure.ConnectionStrings["bus"], _ => { });
        var mergeId = Guid.CreateVersion7();

        await bus.Bus.Publish(new CustomersMerged(mergeId, survivor, merged, null, DateTimeOffset.UtcNow));
        await Eventually.True(async () => (await http.GetMessageAsync(mergedMessage.Id)).CustomerId == survivor, "the merged customer's message to follow the merge");

        // Identity still knows the second address as the merged customer's: that is what an undo restores.
        await bus.Bus.Publish(new CustomersUnmerged(mergeId, survivor, merged, [], null, DateTimeOffset.UtcNow));
        await Eventually.True(async () => (await http.GetMessageAsync(mergedMessage.Id)).CustomerId == merged, "the message to go back with the undo");
        Assert.Equal(survivor, (await http.GetMessageAsync(survivorMessage.Id)).CustomerId);
    }
}
