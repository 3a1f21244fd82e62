using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omni.Contracts.Identity;
using Omni.Routing.Agents;
using Omni.Routing.Data;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Keeping_agents(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Sets_an_agents_skills_and_capacity()
    {
        var id = await KnownAgentAsync("Anna de Vries");
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { ["Billing"] = 7, ["dutch"] = 10 }, capacity = 150 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{id}/skills"))!;
        Assert.Equal("Anna de Vries", stored.Name);
        Assert.Equal(new Dictionary<string, int> { ["billing"] = 7, ["dutch"] = 10 }, stored.Skills);
        Assert.Equal(150, stored.Capacity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task Answers_400_naming_the_skill_whose_level_is_out_of_range_and_keeps_the_skills(int level)
    {
        var id = await KnownAgentAsync("Bram Bakker");
        using var supervisor = fixture.SupervisorClient();
        await supervisor.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { ["billing"] = 4 } });

        var response = await supervisor.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { ["billing"] = level } });

        Assert.Equal(["skills.billing"], await Scenarios.ProblemFieldsAsync(response));
        Assert.Equal(4, (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{id}/skills"))!.Skills["billing"]);
    }

    [Fact]
    public async Task Answers_404_for_the_skills_of_an_unknown_agent()
    {
        using var supervisor = fixture.SupervisorClient();
        var unknown = Guid.CreateVersion7();

        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PutAsJsonAsync($"/api/v1/agents/{unknown}/skills", new { skills = new Dictionary<string, int> { ["billing"] = 4 } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/v1/agents/{unknown}/skills")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/v1/agents/{unknown}/workload")).StatusCode);
    }

    [Fact]
    public async Task Answers_403_to_an_agent_setting_skills()
    {
        var id = await KnownAgentAsync("Carla Cruz");
        using var agent = fixture.Client(fixture.Tokens.Issue(id, "Carla Cruz", "agent"));

        var response = await agent.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { ["everything"] = 10 } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Keeps_an_agent_online_while_their_desk_beats_its_heart_and_tells_their_desk()
    {
        await using var desk = await fixture.AgentAsync("Daan de Jong", new Dictionary<string, int> { ["billing"] = 5 }, online: false);

        await desk.SetPresenceAsync(PresenceStates.Online);
        var heartbeat = await desk.Http.PostAsync("/api/v1/presence/heartbeat", null);

        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.Equal(PresenceStates.Online, (await heartbeat.Content.ReadFromJsonAsync<AgentPresence>())!.State);
        Assert.Equal(PresenceStates.Online, await desk.Hub.InvokeAsync<string>("Heartbeat"));
        Assert.Equal(PresenceStates.Online, (await fixture.WorkloadOfAsync(desk.AgentId)).Presence);
        // Live state with a heartbeat's lifetime, not a record.
        Assert.NotNull(await fixture.SessionCache.KeyTimeToLiveAsync($"omni:presence:{desk.AgentId:N}"));
        await Eventually.True(() => Task.FromResult(desk.PresenceChanges.Any(p => p.State == PresenceStates.Online)), "the desk to hear it is online");
    }

    [Fact]
    public async Task Takes_an_agent_away_and_offline_when_they_say_so()
    {
        await using var desk = await fixture.AgentAsync("Eva Evers", new Dictionary<string, int> { ["billing"] = 5 });

        await desk.SetPresenceAsync(PresenceStates.Away);
        Assert.Equal(PresenceStates.Away, (await fixture.WorkloadOfAsync(desk.AgentId)).Presence);

        await desk.Hub.InvokeAsync("SetPresence", PresenceStates.Offline);
        Assert.Equal(PresenceStates.Offline, (await fixture.WorkloadOfAsync(desk.AgentId)).Presence);
    }

    [Fact]
    public async Task Tells_a_desk_whose_heartbeat_stopped_long_enough_that_it_is_offline()
    {
        await using var desk = await fixture.AgentAsync("Fenna Fransen", new Dictionary<string, int> { ["billing"] = 5 });

        // The heartbeat's lifetime ran out (as it does after PresenceStore.HeartbeatTimeout without a beat).
        await fixture.SessionCache.KeyExpireAsync($"omni:presence:{desk.AgentId:N}", TimeSpan.FromMilliseconds(1));
        await Eventually.True(async () => !await fixture.SessionCache.KeyExistsAsync($"omni:presence:{desk.AgentId:N}"), "the presence to lapse");

        var heartbeat = await desk.Http.PostAsync("/api/v1/presence/heartbeat", null);

        Assert.Equal(PresenceStates.Offline, (await heartbeat.Content.ReadFromJsonAsync<AgentPresence>())!.State);
        Assert.Equal(PresenceStates.Offline, (await fixture.WorkloadOfAsync(desk.AgentId)).Presence);
    }

    [Fact]
    public async Task Answers_400_naming_the_state_when_it_is_not_a_presence()
    {
        await using var desk = await fixture.AgentAsync("Gijs Gerritsen", new Dictionary<string, int> { ["billing"] = 5 }, online: false);

        var response = await desk.Http.PutAsJsonAsync("/api/v1/presence", new { state = "on-holiday" });

        Assert.Equal(["state"], await Scenarios.ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Learns_of_agents_from_identitys_AgentChanged_and_keeps_a_disabled_one_offline()
    {
        var id = Guid.CreateVersion7();
        var created = DateTimeOffset.UtcNow;
        await fixture.PublishAsync(new AgentChanged(id, "Hanna Hendriks", ["agent"], false, created));
        using var supervisor = fixture.SupervisorClient();
        Assert.Equal("Hanna Hendriks", (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{id}/skills"))!.Name);
        using var hanna = fixture.Client(fixture.Tokens.Issue(id, "Hanna Hendriks", "agent"));
        Assert.Equal(HttpStatusCode.OK, (await hanna.PutAsJsonAsync("/api/v1/presence", new { state = PresenceStates.Online })).StatusCode);

        await fixture.PublishAsync(new AgentChanged(id, "Hanna Hendriks-Smit", ["agent"], true, created.AddMinutes(1)));

        var skills = (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{id}/skills"))!;
        Assert.Equal("Hanna Hendriks-Smit", skills.Name);
        Assert.Equal(PresenceStates.Offline, (await fixture.WorkloadOfAsync(id)).Presence);
        var again = await hanna.PutAsJsonAsync("/api/v1/presence", new { state = PresenceStates.Online });
        Assert.Contains("disabled", await Scenarios.ProblemDetailAsync(again, HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Ignores_an_AgentChanged_older_than_the_change_it_already_applied()
    {
        var id = Guid.CreateVersion7();
        var at = DateTimeOffset.UtcNow;
        await fixture.PublishAsync(new AgentChanged(id, "Ivo Jansen", ["agent"], false, at));

        await fixture.PublishAsync(new AgentChanged(id, "Ivo Old-Name", ["agent"], false, at.AddMinutes(-1)));

        using var supervisor = fixture.SupervisorClient();
        Assert.Equal("Ivo Jansen", (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{id}/skills"))!.Name);
    }

    [Fact]
    public async Task Applies_a_disabling_made_before_a_supervisor_changed_the_agents_skills()
    {
        var id = Guid.CreateVersion7();
        var created = DateTimeOffset.UtcNow;
        await fixture.PublishAsync(new AgentChanged(id, "Joris Janssen", ["agent"], false, created));
        var disabledAt = DateTimeOffset.UtcNow;
        using var supervisor = fixture.SupervisorClient();
        // The supervisor's change reaches routing before identity's event about the account, which was made first.
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"/api/v1/agents/{id}/skills", new { skills = new Dictionary<string, int> { ["billing"] = 5 } })).StatusCode);

        await fixture.PublishAsync(new AgentChanged(id, "Joris Janssen", ["agent"], true, disabledAt));

        using var joris = fixture.Client(fixture.Tokens.Issue(id, "Joris Janssen", "agent"));
        Assert.Equal(HttpStatusCode.Conflict, (await joris.PutAsJsonAsync("/api/v1/presence", new { state = PresenceStates.Online })).StatusCode);
    }

    [Fact]
    public async Task Catches_up_with_identitys_directory_of_agents()
    {
        // An agent whose AgentChanged routing never saw (lost, or sent before routing's queue existed) …
        var missed = await KnownAgentAsync("Kees Kok");
        await using (var scope = fixture.Routing.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Agents.Where(a => a.Id == missed).ExecuteDeleteAsync();
        }
        // … and one routing knows of that identity no longer has.
        var gone = Guid.CreateVersion7();
        await fixture.PublishAsync(new AgentChanged(gone, "Lot Lammers", ["agent"], false, DateTimeOffset.UtcNow));

        await fixture.Routing.Services.GetRequiredService<AgentDirectorySync>().SyncAsync(CancellationToken.None);

        using var supervisor = fixture.SupervisorClient();
        Assert.Equal("Kees Kok", (await supervisor.GetFromJsonAsync<SkillsDto>($"/api/v1/agents/{missed}/skills"))!.Name);
        using var lot = fixture.Client(fixture.Tokens.Issue(gone, "Lot Lammers", "agent"));
        Assert.Equal(HttpStatusCode.Conflict, (await lot.PutAsJsonAsync("/api/v1/presence", new { state = PresenceStates.Online })).StatusCode);
    }

    /// <summary>An agent account in identity that routing has learnt of.</summary>
    private async Task<Guid> KnownAgentAsync(string name)
    {
        var id = await fixture.NewAgentAccountAsync(name);
        using var supervisor = fixture.SupervisorClient();
        await Eventually.True(async () => (await supervisor.GetAsync($"/api/v1/agents/{id}/skills")).IsSuccessStatusCode, $"routing to learn of {name}");
        return id;
    }
}
