using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Omni.Identity.Agents;
using Xunit;
using static Omni.Identity.Tests.TestAgents;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Managing_agents(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Creates_an_agent_with_a_hashed_password_and_announces_it()
    {
        using var admin = fixture.Service.CreateClient();
        var email = NewAgentEmail();
        var password = NewPassword();

        var response = await admin.PostAsJsonAsync("/api/v1/agents",
            new { name = "Anna de Vries", email = "  " + email.ToUpperInvariant(), password, roles = new[] { "agent" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<AgentDto>())!;
        Assert.Equal(email, created.Email);
        Assert.Equal(["agent"], created.Roles);
        Assert.False(created.Disabled);
        Assert.Equal($"/api/v1/agents/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(created, await admin.GetFromJsonAsync<AgentDto>($"/api/v1/agents/{created.Id}"), AgentComparer);
        Assert.Contains(await admin.GetFromJsonAsync<AgentDto[]>("/api/v1/agents") ?? [], a => a.Id == created.Id);

        var stored = await fixture.ReadAsync<string>("""SELECT "PasswordHash" FROM agents WHERE "Id" = $1""", created.Id);
        Assert.NotNull(stored);
        Assert.DoesNotContain(password, stored);
        Assert.Equal(PasswordVerificationResult.Success,
            new PasswordHasher<Agent>().VerifyHashedPassword(null!, stored, password));
        Assert.Equal(1, await fixture.AgentChangedCountAsync(created.Id));
    }

    [Fact]
    public async Task Refuses_a_second_agent_with_the_same_address()
    {
        var (existing, _) = await fixture.NewAgentAsync("agent");
        using var admin = fixture.Service.CreateClient();

        var response = await admin.PostAsJsonAsync("/api/v1/agents",
            new { name = "Someone Else", email = existing.Email.ToUpperInvariant() + " ", password = NewPassword(), roles = new[] { "agent" } });

        AssertProblem(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("", "new", "correct horse battery", "agent", "name")]
    [InlineData("Jan", "not-an-address", "correct horse battery", "agent", "email")]
    [InlineData("Jan", "new", "too short", "agent", "password")]
    [InlineData("Jan", "new", "correct horse battery", "boss", "roles")]
    [InlineData("Jan", "new", "correct horse battery", "", "roles")]
    public async Task Refuses_bad_input_naming_the_field(string name, string email, string password, string role, string field)
    {
        using var admin = fixture.Service.CreateClient();
        var address = email == "new" ? NewAgentEmail() : email;

        var response = await admin.PostAsJsonAsync("/api/v1/agents",
            new { name, email = address, password, roles = role.Length == 0 ? Array.Empty<string>() : [role] });

        AssertProblem(response, HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>();
        Assert.Equal([field], problem!.Errors.Keys);
        Assert.Null(await fixture.ReadAsync<Guid?>("""SELECT "Id" FROM agents WHERE "Email" = $1""", address));
    }

    [Fact]
    public async Task Changes_roles_and_disables_and_enables_an_account()
    {
        var (agent, password) = await fixture.NewAgentAsync("agent");
        using var admin = fixture.Service.CreateClient();

        var promoted = await admin.PatchAsJsonAsync($"/api/v1/agents/{agent.Id}", new { roles = new[] { "agent", "supervisor" } });
        Assert.Equal(["agent", "supervisor"], (await promoted.Content.ReadFromJsonAsync<AgentDto>())!.Roles);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await fixture.SignInAsync(agent.Email, password));
        Assert.Contains(token.Claims, c => c.Type == "role" && c.Value == "supervisor");

        var disabled = await admin.PatchAsJsonAsync($"/api/v1/agents/{agent.Id}", new { disabled = true });
        Assert.True((await disabled.Content.ReadFromJsonAsync<AgentDto>())!.Disabled);
        AssertProblem(await fixture.RequestTokenAsync(agent.Email, password), HttpStatusCode.Unauthorized);

        (await admin.PatchAsJsonAsync($"/api/v1/agents/{agent.Id}", new { disabled = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await fixture.RequestTokenAsync(agent.Email, password)).StatusCode);
        Assert.Equal(4, await fixture.AgentChangedCountAsync(agent.Id));
    }

    [Fact]
    public async Task Refuses_an_unknown_role_in_a_change()
    {
        var (agent, _) = await fixture.NewAgentAsync("agent");
        using var admin = fixture.Service.CreateClient();

        var response = await admin.PatchAsJsonAsync($"/api/v1/agents/{agent.Id}", new { roles = new[] { "owner" } });

        AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(["agent"], (await admin.GetFromJsonAsync<AgentDto>($"/api/v1/agents/{agent.Id}"))!.Roles);
    }

    [Theory]
    [InlineData("GET", "/api/v1/agents")]
    [InlineData("POST", "/api/v1/agents")]
    [InlineData("GET", "/api/v1/partners/keys")]
    [InlineData("POST", "/api/v1/partners/keys")]
    public async Task Admin_endpoints_answer_401_to_anyone_and_403_to_an_agent(string method, string path)
    {
        using var anonymous = fixture.CreateClient(token: null);
        using var agent = await fixture.SignedInAgentAsync("agent", "supervisor");

        var unauthorized = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        var forbidden = await agent.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        AssertProblem(unauthorized, HttpStatusCode.Unauthorized);
        AssertProblem(forbidden, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Customers_are_for_signed_in_agents()
    {
        using var anonymous = fixture.CreateClient(token: null);
        using var agent = await fixture.SignedInAgentAsync("agent");

        AssertProblem(await anonymous.GetAsync($"/api/v1/customers/{Guid.CreateVersion7()}"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/v1/customers/{Guid.CreateVersion7()}")).StatusCode);
    }

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);

    private static readonly IEqualityComparer<AgentDto?> AgentComparer = EqualityComparer<AgentDto?>.Create((a, b) =>
        a is not null && b is not null && a.Id == b.Id && a.Email == b.Email && a.Roles.SequenceEqual(b.Roles) && a.Disabled == b.Disabled);
}
