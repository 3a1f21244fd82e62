using System.Net.Http.Json;
using System.Security.Cryptography;
using Npgsql;
using Omni.Identity.Agents;
using Xunit;

namespace Omni.Identity.Tests;

/// <summary>What the agent, sign-in and partner-key tests set up: agents of their own, created through the API by the admin.</summary>
internal static class TestAgents
{
    public static string NewAgentEmail() => $"agent.{Guid.NewGuid():N}@contact-centre.test";

    public static string NewPassword() => RandomNumberGenerator.GetHexString(20);

    /// <summary>A new agent with <paramref name="roles"/>, created by the bootstrap admin; returns it with its password.</summary>
    public static async Task<(AgentDto Agent, string Password)> NewAgentAsync(this IdentityServiceFixture fixture, params string[] roles)
    {
        var password = NewPassword();
        using var admin = fixture.Service.CreateClient();
        var response = await admin.PostAsJsonAsync("/api/v1/agents", new { name = "Test Agent", email = NewAgentEmail(), password, roles });
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<AgentDto>())!, password);
    }

    /// <summary>A client signed in as a new agent with <paramref name="roles"/>.</summary>
    public static async Task<HttpClient> SignedInAgentAsync(this IdentityServiceFixture fixture, params string[] roles)
    {
        var (agent, password) = await fixture.NewAgentAsync(roles);
        return fixture.CreateClient(await fixture.SignInAsync(agent.Email, password));
    }

    public static async Task<HttpResponseMessage> RequestTokenAsync(this IdentityServiceFixture fixture, string email, string password)
    {
        using var anonymous = fixture.CreateClient(token: null);
        return await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
    }

    /// <summary>One column of one row, read straight from identity's database.</summary>
    public static async Task<T?> ReadAsync<T>(this IdentityServiceFixture fixture, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.Infrastructure.ConnectionStrings["identity-db"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>How many AgentChanged events for <paramref name="agentId"/> went into the outbox.</summary>
    public static async Task<long> AgentChangedCountAsync(this IdentityServiceFixture fixture, Guid agentId) =>
        await fixture.ReadAsync<long>(
            """SELECT count(*) FROM outbox_messages WHERE "MessageType" LIKE 'Omni.Contracts.Identity.AgentChanged,%' AND "Body" ->> 'agentId' = $1""",
            agentId.ToString());

    public static void AssertProblem(HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
