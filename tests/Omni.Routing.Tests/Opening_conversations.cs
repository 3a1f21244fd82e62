using System.Net;
using System.Net.Http.Json;
using Omni.Routing.Conversations;
using Omni.Routing.Desk;
using Omni.Routing.Queues;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Opening_conversations(RoutingServiceFixture fixture)
{
    [Theory]
    [InlineData("web")]
    [InlineData("whatsapp")]
    [InlineData("sms")]
    [InlineData("partner")]
    public async Task Lets_the_bot_answer_first_on_a_channel_where_it_answers(string channel)
    {
        var conversation = await fixture.FirstMessageAsync(channel);

        Assert.Equal(ConversationState.Bot, await fixture.StateOfAsync(conversation));
        Assert.Contains(await fixture.DecisionsOfAsync(conversation.Id), d => d.Kind == "bot");
        await fixture.StatusChanges.WaitFor(s => s.ConversationId == conversation.Id && s.State == ConversationState.Bot, "StatusChanged: bot");
    }

    [Theory]
    [InlineData("voice")]
    [InlineData("email")]
    public async Task Hands_a_conversation_with_the_bot_to_a_person_when_the_customer_calls_or_emails(string channel)
    {
        var conversation = await fixture.FirstMessageAsync("sms");
        Assert.Equal(ConversationState.Bot, await fixture.StateOfAsync(conversation));

        await fixture.DeliverAsync(Received.On(conversation.CustomerId, channel));

        await fixture.ReachesStateAsync(conversation, ConversationState.Queued);
        var queued = Assert.Single(await fixture.DecisionsOfAsync(conversation.Id), d => d.Kind == "queued");
        Assert.Contains($"turned to {channel}", queued.Reason);
    }

    [Fact]
    public async Task Tells_where_a_handed_over_customer_stands_in_the_language_the_bot_read_in_their_words()
    {
        var conversation = await fixture.FirstMessageAsync("web");

        await fixture.HandOverAsync(conversation, topic: null, language: "nl");

        var queued = await fixture.StatusChanges.WaitFor(s => s.ConversationId == conversation.Id && s.State == ConversationState.Queued, "StatusChanged: queued");
        Assert.Equal("nl", queued.Message.Language);
    }

    [Fact]
    public async Task Has_a_default_queue_from_the_start()
    {
        using var agent = fixture.Client(fixture.Tokens.Issue(Guid.CreateVersion7(), "Anna de Vries", "agent"));

        var queues = (await agent.GetFromJsonAsync<QueueDto[]>("/api/v1/queues"))!;

        var general = Assert.Single(queues, q => q.IsDefault);
        Assert.Equal("General", general.Name);
    }

    [Fact]
    public async Task Queues_a_call_at_once_in_the_queue_that_takes_calls()
    {
        var phone = await fixture.QueueAsync(channels: ["voice"]);

        var call = await fixture.FirstMessageAsync("voice");

        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(call));
        Assert.Equal(phone.Id, QueuedIn(await fixture.DecisionsOfAsync(call.Id)));
        var queued = await fixture.StatusChanges.WaitFor(s => s.ConversationId == call.Id && s.State == ConversationState.Queued, "StatusChanged: queued");
        Assert.True(queued.Message.Position >= 1, $"position {queued.Message.Position}");
    }

    [Fact]
    public async Task Queues_an_email_at_once_in_the_default_queue_when_no_other_fits()
    {
        var email = await fixture.FirstMessageAsync("email");

        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(email));
        Assert.Equal(fixture.DefaultQueue.Id, QueuedIn(await fixture.DecisionsOfAsync(email.Id)));
    }

    [Fact]
    public async Task Queues_a_handed_over_conversation_in_the_queue_of_its_topic_and_language_with_what_the_customer_said()
    {
        var topic = $"returns-{Guid.NewGuid():N}"[..20];
        var skill = $"returns-{Guid.NewGuid():N}"[..20];
        var dutch = await CreateQueueAsync($"Retouren {topic}", topic, skill, "nl");
        var english = await CreateQueueAsync($"Returns {topic}", topic, skill, "en");
        var conversation = await fixture.FirstMessageAsync("whatsapp");
        await using var agent = await fixture.AgentAsync("Anna de Vries", new Dictionary<string, int> { [skill] = 5 });

        await fixture.HandOverAsync(conversation, topic, summary: "Wants to return order 12345; already has a label.", language: "en");

        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(conversation));
        Assert.Equal(english.Id, QueuedIn(await fixture.DecisionsOfAsync(conversation.Id)));
        var offer = await agent.OfferOfAsync(conversation.Id);
        Assert.Equal(english.Id, offer.QueueId);
        Assert.Equal("Wants to return order 12345; already has a label.", offer.Summary);
        Assert.NotEqual(dutch.Id, offer.QueueId);
    }

    [Fact]
    public async Task Hands_a_conversation_to_a_person_when_the_bot_leaves_a_message_unanswered()
    {
        var conversation = await fixture.FirstMessageAsync("web");
        Assert.Equal(ConversationState.Bot, await fixture.StateOfAsync(conversation));

        // Routing:BotAnswerTimeout is short in these tests; no bot answers here.
        await fixture.ReachesStateAsync(conversation, ConversationState.Queued);

        var queued = Assert.Single(await fixture.DecisionsOfAsync(conversation.Id), d => d.Kind == "queued");
        Assert.Equal(fixture.DefaultQueue.Id, queued.QueueId);
        Assert.Contains("bot did not answer", queued.Reason);
    }

    [Fact]
    public async Task Leaves_a_conversation_that_people_handle_where_it_is_when_the_bot_hands_over_late()
    {
        var queue = await fixture.QueueAsync();
        var other = await fixture.QueueAsync();
        var conversation = await fixture.WaitingInAsync(queue);

        await fixture.HandOverAsync(conversation, other.Topic, summary: "Late");

        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(conversation));
        Assert.Equal(queue.Id, QueuedIn(await fixture.DecisionsOfAsync(conversation.Id)));
    }

    private static Guid? QueuedIn(IEnumerable<DecisionDto> decisions) => decisions.Last(d => d.Kind == "queued").QueueId;

    private async Task<QueueDto> CreateQueueAsync(string name, string topic, string skill, string language)
    {
        using var supervisor = fixture.SupervisorClient();
        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new
        {
            name,
            topics = new[] { topic },
            languages = new[] { language },
            requiredSkills = new Dictionary<string, int> { [skill] = 3 },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<QueueDto>())!;
    }
}
