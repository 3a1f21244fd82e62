using Omni.Routing.Session;
using StackExchange.Redis;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Keeping_the_session_context(RoutingServiceFixture fixture)
{
    private async Task<Dictionary<string, string>> SessionOfAsync(Guid customerId) =>
        (await fixture.SessionCache.HashGetAllAsync($"omni:session:{customerId:N}")).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    [Fact]
    public async Task Records_the_open_conversation_and_the_last_channel_once_a_message_is_attached()
    {
        var customer = Received.NewCustomer();

        await fixture.DeliverAsync(Received.On(customer, "web"));

        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        var session = await SessionOfAsync(customer);
        Assert.Equal(conversation.Id.ToString(), session["routing.conversation_id"]);
        Assert.Equal("web", session["routing.last_channel"]);
        // A cache entry, not a record: it expires.
        Assert.NotNull(await fixture.SessionCache.KeyTimeToLiveAsync(SessionContextStore.Key(customer)));
    }

    [Fact]
    public async Task Follows_the_customer_to_the_channel_they_use_next()
    {
        var customer = Received.NewCustomer();
        var first = Received.On(customer, "web");

        await fixture.DeliverAsync(first);
        await fixture.DeliverAsync(Received.On(customer, "sms", first.ReceivedAt.AddMinutes(1)));

        Assert.Equal("sms", (await SessionOfAsync(customer))["routing.last_channel"]);
    }

    [Fact]
    public async Task Leaves_other_services_fields_of_the_session_alone()
    {
        var customer = Received.NewCustomer();
        await fixture.SessionCache.HashSetAsync($"omni:session:{customer:N}", [new HashEntry("knowledge.bot_turns", "3")]);

        await fixture.DeliverAsync(Received.On(customer, "web"));

        var session = await SessionOfAsync(customer);
        Assert.Equal("3", session["knowledge.bot_turns"]);
        Assert.Equal("web", session["routing.last_channel"]);
    }

    [Fact]
    public async Task Agrees_with_the_conversation_on_the_last_channel_when_an_older_message_arrives_late()
    {
        var customer = Received.NewCustomer();
        var newer = Received.On(customer, "whatsapp");
        var older = Received.On(customer, "email", newer.ReceivedAt.AddMinutes(-5));

        await fixture.DeliverAsync(newer);
        await fixture.DeliverAsync(older);

        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        var session = await SessionOfAsync(customer);
        // The session is a cache of routing's database: it says what the conversation says.
        Assert.Equal(conversation.LastChannel, session["routing.last_channel"]);
        Assert.Equal("whatsapp", session["routing.last_channel"]);
    }
}
