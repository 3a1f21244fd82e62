using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Contracts.Knowledge;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Desk;
using Omni.Routing.Queues;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests.Support;

/// <summary>A queue of one test: it asks for a skill of its own, and the bot's handoffs with its topic land in it.</summary>
public sealed record TestQueue(QueueDto Queue, string Skill, string Topic)
{
    public Guid Id => Queue.Id;
}

/// <summary>A customer's conversation in a test.</summary>
public sealed record TestConversation(Guid CustomerId, Guid Id);

/// <summary>What the tests set up, each for itself: queues, agents at their desks, customers writing in.</summary>
public static class Scenarios
{
    private const string Password = "correct horse battery staple 42";

    /// <summary>A queue asking for a skill of its own at <paramref name="level"/>, fed by handoffs with a topic of its own.</summary>
    public static async Task<TestQueue> QueueAsync(this RoutingServiceFixture fixture, int level = 5, int priority = 0, string[]? channels = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (skill, topic) = ($"skill-{suffix}", $"topic-{suffix}");
        using var supervisor = fixture.SupervisorClient();
        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new
        {
            name = $"Queue {suffix}",
            requiredSkills = new Dictionary<string, int> { [skill] = level },
            topics = new[] { topic },
            priority,
            channels = channels ?? [],
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new TestQueue((await response.Content.ReadFromJsonAsync<QueueDto>())!, skill, topic);
    }

    /// <summary>
    /// An agent account made in identity (routing learns of it from identity's AgentChanged), given
    /// <paramref name="skills"/> and <paramref name="capacity"/> by a supervisor, at their desk (hub connected) and,
    /// unless told otherwise, online.
    /// </summary>
    public static async Task<AgentDesk> AgentAsync(
        this RoutingServiceFixture fixture, string name, IReadOnlyDictionary<string, int> skills, int capacity = 100, bool online = true)
    {
        var id = await fixture.NewAgentAccountAsync(name);
        using var supervisor = fixture.SupervisorClient();
        await Eventually.True(async () => (await supervisor.GetAsync($"/api/v1/agents/{id}/skills")).IsSuccessStatusCode,
            $"routing to learn of agent {name} from identity");
        var set = await supervisor.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills, capacity });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var desk = await AgentDesk.OpenAsync(fixture.Routing.Server, id, name, fixture.Tokens.Issue(id, name, "agent"));
        if (online) await desk.SetPresenceAsync(PresenceStates.Online);
        return desk;
    }

    /// <summary>An agent with the skill of <paramref name="queue"/> at level 8.</summary>
    public static Task<AgentDesk> AgentForAsync(this RoutingServiceFixture fixture, TestQueue queue, string name, int capacity = 100, bool online = true) =>
        fixture.AgentAsync(name, new Dictionary<string, int> { [queue.Skill] = 8 }, capacity, online);

    /// <summary>Creates an agent account in identity (an admin's call) and returns its id.</summary>
    public static async Task<Guid> NewAgentAccountAsync(this RoutingServiceFixture fixture, string name)
    {
        using var admin = fixture.Identity.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Tokens.Admin());
        var email = $"{name.Split(' ')[0].ToLowerInvariant()}.{Guid.NewGuid():N}@omni.test";
        var response = await admin.PostAsJsonAsync("/api/v1/agents", new { name, email, password = Password, roles = new[] { "agent" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A new customer's first message on <paramref name="channel"/>, attached; returns the conversation it opened.</summary>
    public static async Task<TestConversation> FirstMessageAsync(this RoutingServiceFixture fixture, string channel = "web", Guid? customerId = null)
    {
        var customer = customerId ?? Received.NewCustomer();
        var before = (await fixture.ConversationsOfAsync(customer)).Select(c => c.Id).ToHashSet();
        await fixture.DeliverAsync(Received.On(customer, channel));
        var opened = Assert.Single(await fixture.ConversationsOfAsync(customer), c => !before.Contains(c.Id));
        return new TestConversation(customer, opened.Id);
    }

    /// <summary>The bot hands the conversation over (the customer asked for a person) with <paramref name="topic"/> and what the customer said.</summary>
    public static Task HandOverAsync(
        this RoutingServiceFixture fixture, TestConversation conversation, string? topic, string? summary = null, string? language = null, string reason = "asked") =>
        fixture.PublishAsync(new HandoffRequested(conversation.Id, conversation.CustomerId, reason, topic, language, summary, DateTimeOffset.UtcNow));

    /// <summary>
    /// A customer waiting in <paramref name="queue"/>: on a bot channel the bot hands over with the queue's topic; on
    /// voice or e-mail (queued at once) a supervisor moves it there.
    /// </summary>
    public static async Task<TestConversation> WaitingInAsync(this RoutingServiceFixture fixture, TestQueue queue, string channel = "web", string? summary = null)
    {
        var conversation = await fixture.FirstMessageAsync(channel);
        if (channel is "voice" or "email" or "api")
        {
            using var supervisor = fixture.SupervisorClient();
            var moved = await supervisor.PostAsJsonAsync($"/api/v1/conversations/{conversation.Id}/transfer", new { toQueueId = queue.Id });
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }
        else
        {
            await fixture.HandOverAsync(conversation, queue.Topic, summary);
        }
        Assert.Equal(ConversationState.Queued, await fixture.StateOfAsync(conversation));
        // A bot channel's conversation hands itself over after RoutingServiceFixture.BotAnswerTimeout: it must not have
        // gone to another queue before the handoff came.
        Assert.Equal(queue.Id, (await fixture.DecisionsOfAsync(conversation.Id)).Last(d => d.Kind == "queued").QueueId);
        return conversation;
    }

    /// <summary>The conversation's state as routing's API tells it.</summary>
    public static async Task<string> StateOfAsync(this RoutingServiceFixture fixture, TestConversation conversation) =>
        Assert.Single(await fixture.ConversationsOfAsync(conversation.CustomerId), c => c.Id == conversation.Id).Status;

    /// <summary>Waits until the conversation is in <paramref name="state"/>.</summary>
    public static Task ReachesStateAsync(this RoutingServiceFixture fixture, TestConversation conversation, string state) =>
        Eventually.True(async () => await fixture.StateOfAsync(conversation) == state, $"conversation {conversation.Id} to be {state}");

    /// <summary>Why routing did what it did with the conversation, oldest first.</summary>
    public static async Task<DecisionDto[]> DecisionsOfAsync(this RoutingServiceFixture fixture, Guid conversationId)
    {
        using var supervisor = fixture.SupervisorClient();
        return (await supervisor.GetFromJsonAsync<DecisionDto[]>($"/api/v1/conversations/{conversationId}/decisions"))!;
    }

    public static async Task<WorkloadDto> WorkloadOfAsync(this RoutingServiceFixture fixture, Guid agentId)
    {
        using var supervisor = fixture.SupervisorClient();
        return (await supervisor.GetFromJsonAsync<WorkloadDto>($"/api/v1/agents/{agentId}/workload"))!;
    }

    /// <summary>
    /// One whole pass of the router, run here rather than waited for: what is true after it is what the router decided
    /// (a pass that found another holding the routing lock did nothing and is tried again).
    /// </summary>
    public static Task<RouterPass> RouterPassAsync(this RoutingServiceFixture fixture)
    {
        var router = fixture.Routing.Services.GetRequiredService<QueueRouter>();
        return Eventually.Get(async () => await router.RouteOnceAsync(CancellationToken.None) is { Waiting: > 0 } pass ? pass : null,
            "a router pass that ran (not one skipped for another holding the lock)");
    }

    /// <summary>Offers, acceptance and the agent's name as the customer is told it.</summary>
    public static async Task<OfferNotice> AcceptNextOfferAsync(this AgentDesk desk, TestConversation conversation)
    {
        var offer = await desk.OfferOfAsync(conversation.Id);
        var accepted = await desk.AcceptAsync(conversation.Id);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        return offer;
    }

    /// <summary>The field names a 400 problem names.</summary>
    public static async Task<string[]> ProblemFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToArray() : [];
    }

    /// <summary>The detail of a problem answer with <paramref name="status"/>.</summary>
    public static async Task<string> ProblemDetailAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }
}
