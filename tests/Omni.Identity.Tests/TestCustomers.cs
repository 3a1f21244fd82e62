using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Omni.Identity.Customers;
using Omni.Identity.Grpc;
using Xunit;

namespace Omni.Identity.Tests;

/// <summary>What the merge, suggestion and privacy tests set up: fresh customers of their own, profiles, outbox look-ups.</summary>
internal static class TestCustomers
{
    public static string NewEmail(string local = "klant") => $"{local}.{Guid.NewGuid():N}@example.nl";

    /// <summary>A random valid Dutch mobile number (06-1…06-5 and 06-8; 06-6, 06-7 and 06-9 are not mobile numbers).</summary>
    public static string NewDutchMobile() => "06" + "123458"[Random.Shared.Next(6)] + Random.Shared.Next(0, 10_000_000).ToString("D7");

    /// <summary>A new customer, created the way every customer is: a first contact resolved over gRPC.</summary>
    public static async Task<Guid> NewCustomerAsync(this IdentityServiceFixture fixture, string kind, string address)
    {
        var reply = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = kind, Address = address });
        Assert.True(reply.Created, "the test meant to create a new customer");
        return Guid.Parse(reply.CustomerId);
    }

    public static async Task<Guid> ResolveAsync(this IdentityServiceFixture fixture, string kind, string address) =>
        Guid.Parse((await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = kind, Address = address })).CustomerId);

    /// <summary>Gives a customer a profile; no API edits profiles yet, so straight in the database.</summary>
    public static async Task SetProfileAsync(
        this IdentityServiceFixture fixture, Guid customerId, string? displayName, string? language, string? vipTier, Dictionary<string, string> attributes)
    {
        await using var connection = await OpenAsync(fixture);
        await using var command = new NpgsqlCommand(
            """UPDATE customers SET "DisplayName" = @name, "PreferredLanguage" = @language, "VipTier" = @tier, "Attributes" = @attributes WHERE "Id" = @id""",
            connection);
        command.Parameters.AddWithValue("name", (object?)displayName ?? DBNull.Value);
        command.Parameters.AddWithValue("language", (object?)language ?? DBNull.Value);
        command.Parameters.AddWithValue("tier", (object?)vipTier ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter("attributes", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(attributes) });
        command.Parameters.AddWithValue("id", customerId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public static async Task<CustomerDto> GetCustomerAsync(this HttpClient http, Guid id) =>
        (await http.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{id}"))!;

    /// <summary>How many events of <paramref name="type"/> (a contract's name) with <paramref name="field"/> = <paramref name="value"/> wait in or went through the outbox.</summary>
    public static async Task<long> OutboxCountAsync(this IdentityServiceFixture fixture, string type, string field, Guid value)
    {
        await using var connection = await OpenAsync(fixture);
        await using var command = new NpgsqlCommand(
            """SELECT count(*) FROM outbox_messages WHERE "MessageType" LIKE @type AND "Body" ->> @field = @value""", connection);
        command.Parameters.AddWithValue("type", $"Omni.Contracts.Identity.{type},%");
        command.Parameters.AddWithValue("field", field);
        command.Parameters.AddWithValue("value", value.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenAsync(IdentityServiceFixture fixture)
    {
        var connection = new NpgsqlConnection(fixture.Infrastructure.ConnectionStrings["identity-db"]);
        await connection.OpenAsync();
        return connection;
    }
}
