using System.Net;
using System.Net.Http.Json;
using Omni.Routing.Agents;
using Omni.Routing.Desk;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Watching_the_queues(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Shows_a_supervisor_each_queue_with_who_waits_and_who_could_take_them()
    {
        var queue = await fixture.QueueAsync();
        await using var anna = await fixture.AgentForAsync(queue, "Anna de Vries", capacity: 34);
        await using var bram = await fixture.AgentForAsync(queue, "Bram Bakker", online: false);
        await bram.SetPresenceAsync(PresenceStates.Away);
        var first = await fixture.WaitingInAsync(queue);
        await fixture.WaitingInAsync(queue);
        await anna.OfferOfAsync(first.Id);
        using var supervisor = fixture.SupervisorClient();

        var snapshot = Assert.Single((await supervisor.GetFromJsonAsync<QueueSnapshot[]>("/api/v1/supervisor/queues"))!, q => q.QueueId == queue.Id);

        Assert.Equal(queue.Queue.Name, snapshot.Name);
        Assert.True(snapshot.OpenNow);
        Assert.Equal(2, snapshot.Waiting);
        Assert.Equal(1, snapshot.Offered);
        Assert.Equal(0, snapshot.Handling);
        Assert.Equal(new AgentsByState(Online: 0, Busy: 1, Away: 1, Offline: 0), snapshot.Agents);
    }

    [Fact]
    public async Task Answers_403_to_an_agent_asking_for_the_supervisors_view()
    {
        using var agent = fixture.Client(fixture.Tokens.Issue(Guid.CreateVersion7(), "Anna de Vries", "agent"));

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/supervisor/queues")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/presence")).StatusCode);
    }

    [Fact]
    public async Task Pushes_the_queues_to_a_supervisors_desk_and_not_to_an_agents()
    {
        var queue = await fixture.QueueAsync();
        await fixture.WaitingInAsync(queue);
        await using var agent = await fixture.AgentAsync("Anna de Vries", new Dictionary<string, int> { ["something-else"] = 10 });
        var supervisorId = Guid.CreateVersion7();
        await using var supervisor = await AgentDesk.OpenAsync(fixture.Routing.Server, supervisorId, "Sam Supervisor",
            fixture.Tokens.Issue(supervisorId, "Sam Supervisor", "supervisor"), agent: false);

        var pushed = await Eventually.Get(() => Task.FromResult(
                supervisor.QueueSnapshots.SelectMany(s => s).FirstOrDefault(q => q.QueueId == queue.Id && q.Waiting == 1)),
            "the supervisor's desk to be sent the queues");

        Assert.Equal(queue.Queue.Name, pushed.Name);
        Assert.Empty(agent.QueueSnapshots);
    }

    [Fact]
    public async Task Tells_supervisors_when_an_agents_presence_changes()
    {
        var supervisorId = Guid.CreateVersion7();
        await using var supervisor = await AgentDesk.OpenAsync(fixture.Routing.Server, supervisorId, "Sam Supervisor",
            fixture.Tokens.Issue(supervisorId, "Sam Supervisor", "supervisor"), agent: false);

        await using var anna = await fixture.AgentAsync("Anna de Vries", new Dictionary<string, int> { ["something-else"] = 10 });

        await Eventually.True(() => Task.FromResult(supervisor.PresenceChanges.Any(p => p.AgentId == anna.AgentId && p.State == PresenceStates.Online)),
            "the supervisor to see Anna come online");
    }
}
