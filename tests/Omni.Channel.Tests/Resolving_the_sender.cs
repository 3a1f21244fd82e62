using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests;

[Collection(ChannelCollection.Name)]
public sealed class Resolving_the_sender(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Finds_one_customer_for_one_number_however_the_sender_writes_it()
    {
        using var http = fixture.Channel.CreateClient();
        var local = Inbound.NewDutchMobile();                         // 0612345678
        var dashed = "06-" + local[2..];                               // 06-12345678
        var international = "+31 6 " + local[2..];                     // +31 6 12345678

        var first = await http.PostAcceptedAsync(Inbound.Body("phone", dashed, channel: "sms"));
        var second = await http.PostAcceptedAsync(Inbound.Body("phone", international, channel: "voice"));

        var (a, b) = (await http.SettledAsync(first.Id), await http.SettledAsync(second.Id));
        Assert.Equal("received", a.Status);
        Assert.Equal("received", b.Status);
        Assert.NotNull(a.CustomerId);
        Assert.Equal(a.CustomerId, b.CustomerId);
    }

    [Fact]
    public async Task Finds_different_customers_for_different_senders()
    {
        using var http = fixture.Channel.CreateClient();

        var first = await http.PostAcceptedAsync(Inbound.Body("email", Inbound.NewEmail()));
        var second = await http.PostAcceptedAsync(Inbound.Body("email", Inbound.NewEmail()));

        Assert.NotEqual((await http.SettledAsync(first.Id)).CustomerId, (await http.SettledAsync(second.Id)).CustomerId);
    }

    [Fact]
    public async Task Marks_a_message_rejected_with_the_reason_when_identity_refuses_its_sender()
    {
        using var http = fixture.Channel.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        var accepted = await http.PostAcceptedAsync(Inbound.Body("phone", "12", text: "call me " + marker, channel: "sms"));

        var settled = await http.SettledAsync(accepted.Id);
        Assert.Equal("rejected", settled.Status);
        Assert.Null(settled.CustomerId);
        Assert.False(string.IsNullOrWhiteSpace(settled.StatusReason));
        Assert.StartsWith("address", settled.StatusReason);
        // Kept for an operator, its work finished, and nothing announced to routing.
        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(marker));
        Assert.Null(await fixture.Database.InboundWorkAsync(accepted.Id));
        Assert.Equal(0, await fixture.Database.CountOutboxRowsAboutAsync(accepted.Id));
        Assert.Empty(fixture.Announced.Matching(m => m.MessageId == accepted.Id));
    }
}
