using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

public sealed record OfferView(Guid ConversationId, Guid CustomerId, string Channel, Guid? QueueId, string? QueueName, DateTimeOffset ExpiresAt, string Reason, string? Summary);

public sealed record QueueView(Guid Id, string Name, int Waiting);

public sealed record QueueSnapshotView(Guid QueueId, string Name, int Waiting, int Offered, int LongestWaitSeconds, int Handling, AgentsByStateView Agents);

public sealed record AgentsByStateView(int Online, int Busy, int Away, int Offline);

public sealed record WorkloadView(Guid AgentId, string Presence, int Load, int Capacity);

public sealed record ConversationDetail(Guid Id, string Status, string? Summary, DateTimeOffset? LastBotAnswerAt);

public sealed record DecisionView(string Kind, Guid? AgentId, string Reason, string? Note);

/// <summary>
/// Agents and a supervisor at their desks (real SignalR clients through the gateway, with their own tokens) while
/// customers write in faster than the agents can take them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class Routing_through_the_gateway(OmniSystem omni)
{
    [Fact]
    public async Task Offers_waiting_customers_to_agents_by_skill_and_capacity_and_keeps_the_queue_moving()
    {
        var skill = $"invoices-{Guid.NewGuid():N}"[..20];
        var queue = await CreateQueueAsync(skill);
        await using var anna = await DeskAsync("Anna", skill);
        await using var bram = await DeskAsync("Bram", skill);
        await using var supervisor = await SupervisorDeskAsync();

        // Four e-mails for a queue whose two agents take one e-mail each: two wait.
        var customers = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            omni.Gateway.PostMessageAsync(new PostedMessage("email", new Sender("email", $"invoice.{i}.{Guid.NewGuid():N}@example.nl"), $"Question about invoice {i}"))));

        var annasOffer = await anna.NextOfferAsync();
        var bramsOffer = await bram.NextOfferAsync();
        Assert.Equal(queue.Id, annasOffer.QueueId);
        Assert.NotEqual(annasOffer.ConversationId, bramsOffer.ConversationId);
        var snapshot = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<QueueSnapshotView[]>("/api/v1/supervisor/queues"))!.SingleOrDefault(q => q.QueueId == queue.Id && q.Waiting == 4),
            "the supervisor to see four waiting, two of them offered");
        Assert.Equal(2, snapshot.Offered);
        Assert.Equal(2, snapshot.Agents.Busy);
        Assert.Contains(await supervisor.Queues.Reader.ReadAsync(Timeout()), q => q.QueueId == queue.Id);

        // Anna accepts on her hub; Bram declines over HTTP: his conversation is not offered to him again, but another is.
        await anna.Hub.InvokeAsync("Accept", annasOffer.ConversationId);
        Assert.Equal(HttpStatusCode.NoContent, (await bram.Http.PostAsync($"/api/v1/conversations/{bramsOffer.ConversationId}/decline", null)).StatusCode);
        var bramsNext = await bram.NextOfferAsync();
        Assert.NotEqual(bramsOffer.ConversationId, bramsNext.ConversationId);
        Assert.NotEqual(annasOffer.ConversationId, bramsNext.ConversationId);

        // Neither carries more than their capacity.
        foreach (var desk in new[] { anna, bram })
        {
            var workload = (await omni.Admin.GetFromJsonAsync<WorkloadView>($"/api/v1/agents/{desk.AgentId}/workload"))!;
            Assert.Equal("online", workload.Presence);
            Assert.True(workload.Load <= workload.Capacity, $"{workload.Load} of {workload.Capacity}");
        }

        // Anna answers and resolves: her place goes to the conversation Bram declined.
        var reply = await anna.Http.PostAsJsonAsync($"/api/v1/conversations/{annasOffer.ConversationId}/messages", new { text = "Your invoice is corrected." });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anna.Http.PostAsync($"/api/v1/conversations/{annasOffer.ConversationId}/resolve", null)).StatusCode);
        var annasNext = await anna.NextOfferAsync();
        Assert.Equal(bramsOffer.ConversationId, annasNext.ConversationId);

        var decisions = (await omni.Admin.GetFromJsonAsync<DecisionView[]>($"/api/v1/conversations/{bramsOffer.ConversationId}/decisions"))!;
        Assert.Equal(["queued", "offered", "declined", "offered"], decisions.Select(d => d.Kind).Where(k => k is "queued" or "offered" or "declined"));
        Assert.Equal(anna.AgentId, decisions.Last(d => d.Kind == "offered").AgentId);
        Assert.Equal(4, customers.Length);
    }

    [Fact]
    public async Task Refuses_what_cannot_be_done_with_the_reason()
    {
        var skill = $"returns-{Guid.NewGuid():N}"[..20];
        var queue = await CreateQueueAsync(skill, priority: 95);
        await using var anna = await DeskAsync("Anneke", skill);
        var offline = await CreateAgentAsync("Otto");

        await omni.Gateway.PostMessageAsync(new PostedMessage("email", new Sender("email", $"return.{Guid.NewGuid():N}@example.nl"), "I want to return my order"));
        var offer = await anna.NextOfferAsync();
        await anna.Hub.InvokeAsync("Accept", offer.ConversationId);

        // Invalid skill level → 400 naming it; unknown agent or queue → 404; a transfer to someone offline → 409 with why.
        var invalid = await omni.Admin.PutAsJsonAsync($"/api/v1/agents/{anna.AgentId}/skills", new { skills = new Dictionary<string, int> { [skill] = 11 } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains($"skills.{skill}", (await invalid.Content.ReadFromJsonAsync<Problem>())!.Errors!.Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await omni.Admin.PutAsJsonAsync($"/api/v1/agents/{Guid.NewGuid()}/skills", new { skills = new Dictionary<string, int>() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anna.Http.PostAsJsonAsync($"/api/v1/conversations/{offer.ConversationId}/transfer", new { toQueueId = Guid.NewGuid() })).StatusCode);
        var toOffline = await anna.Http.PostAsJsonAsync($"/api/v1/conversations/{offer.ConversationId}/transfer", new { toAgentId = offline.Id, note = "Knows returns" });
        Assert.Equal(HttpStatusCode.Conflict, toOffline.StatusCode);
        Assert.Contains("offline", (await toOffline.Content.ReadFromJsonAsync<Problem>())!.Title + await toOffline.Content.ReadAsStringAsync());

        // Someone else's conversation → 403; an agent may not create queues → 403.
        var otto = omni.SignedIn(await omni.SignInAsync(offline.Email, Password));
        Assert.Equal(HttpStatusCode.Forbidden, (await otto.PostAsync($"/api/v1/conversations/{offer.ConversationId}/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otto.PostAsJsonAsync("/api/v1/queues", new { name = "Mine" })).StatusCode);

        // A transfer back to the queue with a note keeps the history and says why.
        var transfer = await anna.Http.PostAsJsonAsync($"/api/v1/conversations/{offer.ConversationId}/transfer", new { toQueueId = queue.Id, note = "Needs a colleague who knows returns" });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        var decisions = (await omni.Admin.GetFromJsonAsync<DecisionView[]>($"/api/v1/conversations/{offer.ConversationId}/decisions"))!;
        Assert.Contains(decisions, d => d.Kind == "transferred" && d.Note == "Needs a colleague who knows returns");
        var conversation = (await omni.Admin.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{offer.ConversationId}"))!;
        Assert.Contains(conversation.Messages, m => m.Text == "I want to return my order");
    }

    [Fact]
    public async Task The_bot_answers_first_and_lets_go_the_moment_the_customer_asks_for_a_person()
    {
        var skill = $"webshop-{Guid.NewGuid():N}"[..20];
        await CreateQueueAsync(skill, priority: 99, channel: "web");
        await using var agent = await DeskAsync("Fleur", skill, capacity: 100);
        var mobile = "061" + Random.Shared.Next(1_000_000, 10_000_000);

        var question = await omni.Gateway.PostMessageAsync(new PostedMessage("web", new Sender("phone", mobile), "Hoe kan ik mijn bestelling annuleren?"));
        var customerId = (await Eventually.Get(async () => await omni.Admin.GetMessageAsync(question.Id) is { Status: "received" } m ? m : null, "the sender")).CustomerId!.Value;
        var conversation = await Eventually.Get(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customerId}"))!.SingleOrDefault(), "the conversation");
        Assert.Equal("bot", conversation.Status);
        // What the bot says goes to the customer's widget (this customer posted without one; the knowledge service's
        // tests read its answers); the desk sees when it answered.
        await Eventually.True(async () =>
            (await omni.Admin.GetFromJsonAsync<ConversationDetail>($"/api/v1/conversations/{conversation.Id}"))!.LastBotAnswerAt is not null, "the bot to answer");

        await omni.Gateway.PostMessageAsync(new PostedMessage("web", new Sender("phone", mobile), "Ik wil een medewerker spreken"));

        var offer = await agent.OfferOfAsync(conversation.Id);
        Assert.Contains("Hoe kan ik mijn bestelling annuleren?", offer.Summary);
        var decisions = (await omni.Admin.GetFromJsonAsync<DecisionView[]>($"/api/v1/conversations/{conversation.Id}/decisions"))!;
        Assert.Contains(decisions, d => d.Kind == "queued" && d.Reason.Contains("asked for a person", StringComparison.Ordinal));
    }

    private const string Password = "correct horse battery staple 42";

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private async Task<QueueView> CreateQueueAsync(string skill, int priority = 90, string channel = "email")
    {
        var response = await omni.Admin.PostAsJsonAsync("/api/v1/queues", new
        {
            name = $"E-mail {skill}",
            requiredSkills = new Dictionary<string, int> { [skill] = 5 },
            priority,
            channels = new[] { channel },
            firstResponseTargetSeconds = 600,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<QueueView>())!;
    }

    private async Task<(Guid Id, string Email)> CreateAgentAsync(string name)
    {
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@omni.test";
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/agents", new { name = $"{name} de Vries", email, password = Password, roles = new[] { "agent" } });
        created.EnsureSuccessStatusCode();
        return ((await created.Content.ReadFromJsonAsync<AgentView>())!.Id, email);
    }

    /// <summary>An agent with the skill (level 8) and, by default, room for one e-mail, signed in, at their desk and online.</summary>
    private async Task<AgentDesk> DeskAsync(string name, string skill, int capacity = 20)
    {
        var (id, email) = await CreateAgentAsync(name);
        // Routing learns of the new agent from identity's event: until then, 404.
        await Eventually.Get(async () =>
            (await omni.Admin.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { [skill] = 8 }, capacity })).IsSuccessStatusCode ? "" : null,
            "routing to know the new agent");
        var token = await omni.SignInAsync(email, Password);
        var desk = new AgentDesk(id, omni.SignedIn(token), Connect(token));
        desk.Hub.On<OfferView>("Offer", offer => desk.Offers.Writer.TryWrite(offer));
        await desk.Hub.StartAsync();
        await desk.Hub.InvokeAsync("SetPresence", "online");
        return desk;
    }

    private async Task<SupervisorDesk> SupervisorDeskAsync()
    {
        var token = await omni.SignInAsync(omni.AdminEmail, omni.AdminPassword);
        var desk = new SupervisorDesk(Connect(token));
        desk.Hub.On<QueueSnapshotView[]>("Queues", queues => desk.Queues.Writer.TryWrite(queues));
        await desk.Hub.StartAsync();
        return desk;
    }

    private HubConnection Connect(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(omni.Gateway.BaseAddress!, "/hubs/agent"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();

    private sealed class AgentDesk(Guid agentId, HttpClient http, HubConnection hub) : IAsyncDisposable
    {
        public Guid AgentId { get; } = agentId;

        public HttpClient Http { get; } = http;

        public HubConnection Hub { get; } = hub;

        public Channel<OfferView> Offers { get; } = Channel.CreateUnbounded<OfferView>();

        public async Task<OfferView> NextOfferAsync() => await Offers.Reader.ReadAsync(Timeout());

        /// <summary>The offer of this conversation; offers of other tests' web conversations (this desk takes web) are passed over.</summary>
        public async Task<OfferView> OfferOfAsync(Guid conversationId)
        {
            var timeout = Timeout();
            while (true)
            {
                var offer = await Offers.Reader.ReadAsync(timeout);
                if (offer.ConversationId == conversationId) return offer;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Hub.InvokeAsync("SetPresence", "offline");
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException)
            {
                // Gone already.
            }
            await Hub.DisposeAsync();
            Http.Dispose();
        }
    }

    private sealed class SupervisorDesk(HubConnection hub) : IAsyncDisposable
    {
        public HubConnection Hub { get; } = hub;

        public Channel<QueueSnapshotView[]> Queues { get; } = Channel.CreateUnbounded<QueueSnapshotView[]>();

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}
