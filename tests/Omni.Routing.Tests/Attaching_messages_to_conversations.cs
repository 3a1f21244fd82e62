using Omni.Routing.Conversations;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Attaching_messages_to_conversations(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Opens_a_conversation_on_a_customers_first_message_and_joins_the_next_on_another_channel_to_it()
    {
        var customer = Received.NewCustomer();
        var first = Received.On(customer, "sms");

        await fixture.DeliverAsync(first);

        var opened = Assert.Single(await fixture.ConversationsOfAsync(customer));
        Assert.Equal(ConversationState.Bot, opened.Status);
        Assert.Equal(customer, opened.CustomerId);
        Assert.Equal(1, opened.MessageCount);
        Assert.Equal("sms", opened.LastChannel);
        Assert.Equal(first.ReceivedAt, opened.LastMessageAt);

        var second = Received.On(customer, "whatsapp", first.ReceivedAt.AddSeconds(30));
        await fixture.DeliverAsync(second);

        var joined = Assert.Single(await fixture.ConversationsOfAsync(customer));
        Assert.Equal(opened.Id, joined.Id);
        Assert.True(ConversationState.IsOpen(joined.Status), joined.Status);
        Assert.Equal(2, joined.MessageCount);
        Assert.Equal("whatsapp", joined.LastChannel);
        Assert.Equal(second.ReceivedAt, joined.LastMessageAt);
        Assert.Equal(opened.OpenedAt, joined.OpenedAt);
    }

    [Fact]
    public async Task Attaches_a_message_delivered_twice_with_the_same_message_id_once()
    {
        var customer = Received.NewCustomer();
        var message = Received.On(customer, "email");
        var busMessageId = Guid.CreateVersion7();

        await fixture.DeliverAsync(message, busMessageId);
        await fixture.DeliverAsync(message, busMessageId, handledTimes: 2);

        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        Assert.Equal(1, conversation.MessageCount);
    }

    [Fact]
    public async Task Opens_exactly_one_conversation_when_many_first_messages_of_a_customer_arrive_at_once()
    {
        var customer = Received.NewCustomer();
        var start = DateTimeOffset.UtcNow;
        var messages = Enumerable.Range(0, 24).Select(i => Received.On(customer, i % 2 == 0 ? "sms" : "web", start.AddMilliseconds(i))).ToList();

        await Task.WhenAll(messages.Select(m => fixture.DeliverAsync(m)));

        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        Assert.True(ConversationState.IsOpen(conversation.Status), conversation.Status);
        Assert.Equal(messages.Count, conversation.MessageCount);
    }

    [Fact]
    public async Task Keeps_the_newest_message_as_the_last_one_when_many_arrive_at_once()
    {
        // Several customers at once, each with its newest message first and an older backlog right behind it:
        // the attaches of one customer overlap, as they do when a provider flushes a queue.
        var customers = Enumerable.Range(0, 4).Select(_ => Received.NewCustomer()).ToList();
        await Task.WhenAll(customers.Select(c => fixture.DeliverAsync(Received.On(c, "sms", DateTimeOffset.UtcNow.AddMinutes(-1)))));
        var start = DateTimeOffset.UtcNow;
        var newest = customers.ToDictionary(c => c, c => Received.On(c, "voice", start.AddSeconds(1)));
        var backlog = customers.SelectMany(c => Enumerable.Range(0, 24).Select(i => Received.On(c, "web", start.AddMilliseconds(i))));

        await Task.WhenAll(newest.Values.Concat(backlog).Select(m => fixture.DeliverAsync(m)));

        foreach (var customer in customers)
        {
            var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
            Assert.Equal(26, conversation.MessageCount);
            Assert.Equal(newest[customer].ReceivedAt, conversation.LastMessageAt);
            Assert.Equal("voice", conversation.LastChannel);
        }
    }

    [Fact]
    public async Task Keeps_the_newest_channel_as_the_last_one_when_an_older_message_arrives_late()
    {
        var customer = Received.NewCustomer();
        var newer = Received.On(customer, "whatsapp");
        var older = Received.On(customer, "email", newer.ReceivedAt.AddMinutes(-5));

        await fixture.DeliverAsync(newer);
        await fixture.DeliverAsync(older);

        var conversation = Assert.Single(await fixture.ConversationsOfAsync(customer));
        Assert.Equal(2, conversation.MessageCount);
        Assert.Equal("whatsapp", conversation.LastChannel);
        Assert.Equal(newer.ReceivedAt, conversation.LastMessageAt);
    }

    [Fact]
    public async Task Keeps_the_conversations_of_two_customers_apart()
    {
        var (alice, bob) = (Received.NewCustomer(), Received.NewCustomer());

        await Task.WhenAll(fixture.DeliverAsync(Received.On(alice, "sms")), fixture.DeliverAsync(Received.On(bob, "sms")));

        var (a, b) = (Assert.Single(await fixture.ConversationsOfAsync(alice)), Assert.Single(await fixture.ConversationsOfAsync(bob)));
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(1, a.MessageCount);
        Assert.Equal(1, b.MessageCount);
    }
}
