using System.Net;
using System.Net.Http.Json;
using Omni.Routing.Queues;
using Omni.Routing.Tests.Support;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Managing_queues(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Creates_a_queue_with_its_skills_hours_and_targets_and_serves_it_back()
    {
        using var supervisor = fixture.SupervisorClient();
        var name = $"Billing {Guid.NewGuid():N}";

        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new
        {
            name,
            requiredSkills = new Dictionary<string, int> { ["Billing"] = 6, ["dutch"] = 3 },
            priority = 20,
            channels = new[] { "partner" },
            topics = new[] { "invoices" },
            languages = new[] { "nl" },
            hours = new
            {
                timeZone = "Europe/Amsterdam",
                days = new[] { new { day = "monday", open = "09:00", close = "17:00" }, new { day = "Friday", open = "09:00", close = "12:30" } },
                holidays = new[] { "2026-12-25" },
            },
            firstResponseTargetSeconds = 600,
            resolutionTargetSeconds = 172_800,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<QueueDto>())!;
        Assert.Equal($"/api/v1/queues/{created.Id}", response.Headers.Location?.OriginalString);
        var stored = (await supervisor.GetFromJsonAsync<QueueDto>($"/api/v1/queues/{created.Id}"))!;
        Assert.Equal(name, stored.Name);
        Assert.Equal(new Dictionary<string, int> { ["billing"] = 6, ["dutch"] = 3 }, stored.RequiredSkills);
        Assert.Equal(20, stored.Priority);
        Assert.Equal(["partner"], stored.Channels);
        Assert.Equal("Europe/Amsterdam", stored.Hours.TimeZone);
        Assert.Equal([new OpeningHoursDto("monday", "09:00", "17:00"), new OpeningHoursDto("friday", "09:00", "12:30")], stored.Hours.Days);
        Assert.Equal([new DateOnly(2026, 12, 25)], stored.Hours.Holidays);
        Assert.Equal(600, stored.FirstResponseTargetSeconds);
        Assert.Equal(0, stored.Waiting);
        Assert.False(stored.IsDefault);
        Assert.Contains((await supervisor.GetFromJsonAsync<QueueDto[]>("/api/v1/queues"))!, q => q.Id == created.Id);
        // Other tests' partner conversations would land here.
        await supervisor.DeleteAsync($"/api/v1/queues/{created.Id}");
    }

    [Fact]
    public async Task Replaces_a_queues_rules()
    {
        var queue = await fixture.QueueAsync(level: 5);
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PutAsJsonAsync($"/api/v1/queues/{queue.Id}", new
        {
            name = queue.Queue.Name,
            requiredSkills = new Dictionary<string, int> { [queue.Skill] = 2 },
            priority = 50,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await supervisor.GetFromJsonAsync<QueueDto>($"/api/v1/queues/{queue.Id}"))!;
        Assert.Equal(new Dictionary<string, int> { [queue.Skill] = 2 }, stored.RequiredSkills);
        Assert.Equal(50, stored.Priority);
        Assert.Empty(stored.Topics);
    }

    [Fact]
    public async Task Deletes_an_empty_queue()
    {
        var queue = await fixture.QueueAsync();
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.DeleteAsync($"/api/v1/queues/{queue.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/v1/queues/{queue.Id}")).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task Answers_400_naming_the_skill_whose_level_is_out_of_range_and_stores_nothing(int level)
    {
        using var supervisor = fixture.SupervisorClient();
        var name = $"Levels {Guid.NewGuid():N}";

        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new { name, requiredSkills = new Dictionary<string, int> { ["billing"] = level } });

        Assert.Equal(["requiredSkills.billing"], await Scenarios.ProblemFieldsAsync(response));
        Assert.DoesNotContain((await supervisor.GetFromJsonAsync<QueueDto[]>("/api/v1/queues"))!, q => q.Name == name);
    }

    [Fact]
    public async Task Answers_400_naming_the_level_out_of_range_when_updating_and_keeps_the_queue_as_it_was()
    {
        var queue = await fixture.QueueAsync(level: 5);
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PutAsJsonAsync($"/api/v1/queues/{queue.Id}", new
        {
            name = "Renamed",
            requiredSkills = new Dictionary<string, int> { [queue.Skill] = 11 },
        });

        Assert.Equal([$"requiredSkills.{queue.Skill}"], await Scenarios.ProblemFieldsAsync(response));
        var stored = (await supervisor.GetFromJsonAsync<QueueDto>($"/api/v1/queues/{queue.Id}"))!;
        Assert.Equal(queue.Queue.Name, stored.Name);
        Assert.Equal(5, stored.RequiredSkills[queue.Skill]);
    }

    [Fact]
    public async Task Answers_400_naming_the_time_zone_when_it_is_unknown()
    {
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new
        {
            name = $"Zone {Guid.NewGuid():N}",
            hours = new { timeZone = "Europe/Atlantis", days = new[] { new { day = "monday", open = "09:00", close = "17:00" } } },
        });

        Assert.Equal(["hours.timeZone"], await Scenarios.ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Answers_400_naming_the_channel_it_does_not_know()
    {
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new { name = $"Fax {Guid.NewGuid():N}", channels = new[] { "fax" } });

        Assert.Equal(["channels"], await Scenarios.ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_queue()
    {
        using var supervisor = fixture.SupervisorClient();
        var unknown = $"/api/v1/queues/{Guid.CreateVersion7()}";

        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync(unknown)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.PutAsJsonAsync(unknown, new { name = "Nobody's" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.DeleteAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task Answers_409_when_deleting_a_queue_someone_waits_in()
    {
        var queue = await fixture.QueueAsync();
        await fixture.WaitingInAsync(queue);
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.DeleteAsync($"/api/v1/queues/{queue.Id}");

        Assert.Contains("1 conversation", await Scenarios.ProblemDetailAsync(response, HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/v1/queues/{queue.Id}")).StatusCode);
    }

    [Fact]
    public async Task Answers_409_when_deleting_the_default_queue()
    {
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.DeleteAsync($"/api/v1/queues/{fixture.DefaultQueue.Id}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Answers_409_for_a_second_queue_of_the_same_name()
    {
        var queue = await fixture.QueueAsync();
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.PostAsJsonAsync("/api/v1/queues", new { name = queue.Queue.Name });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Answers_403_to_an_agent_who_is_not_a_supervisor()
    {
        var queue = await fixture.QueueAsync();
        using var agent = fixture.Client(fixture.Tokens.Issue(Guid.CreateVersion7(), "Anna de Vries", "agent"));

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/queues", new { name = $"Mine {Guid.NewGuid():N}" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/queues/{queue.Id}", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/v1/queues/{queue.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/queues/{queue.Id}")).StatusCode);
    }
}
