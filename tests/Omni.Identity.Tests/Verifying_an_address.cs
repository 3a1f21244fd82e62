using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Omni.Identity.Grpc;
using Omni.Identity.Verification;
using Omni.Testing;
using Xunit;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Verifying_an_address(IdentityServiceFixture fixture)
{
    private async Task<Guid> NewCustomerAsync() => Guid.Parse((await fixture.Grpc.ResolveCustomerAsync(
        new ResolveCustomerRequest { Kind = "web-visitor", Address = "visitor-" + Guid.NewGuid() })).CustomerId);

    /// <summary>The code as the channel service receives it to send: in identity's outbox.</summary>
    private async Task<string> CodeSentToAsync(Guid customerId, string address)
    {
        var json = await Eventually.Get(async () =>
        {
            await using var connection = new NpgsqlConnection(fixture.Infrastructure.ConnectionStrings["identity-db"]);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT \"Body\" FROM outbox_messages WHERE \"MessageType\" LIKE 'Omni.Contracts.Identity.VerificationCodeRequested,%' " +
                "AND \"Body\"->>'customerId' = $1 AND \"Body\"->>'address' = $2 ORDER BY \"Id\" DESC LIMIT 1", connection)
            {
                Parameters = { new() { Value = customerId.ToString() }, new() { Value = address } },
            };
            return await command.ExecuteScalarAsync() as string;
        }, "the code to be queued for sending");
        return JsonDocument.Parse(json).RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Links_an_e_mail_address_as_verified_once_the_code_comes_back()
    {
        var customerId = await NewCustomerAsync();
        var address = $"proof.{Guid.NewGuid():N}@example.nl";
        using var http = fixture.Service.CreateClient();

        var requested = await http.PostAsJsonAsync($"/api/v1/customers/{customerId}/verifications", new { kind = "email", address = address.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var verification = (await requested.Content.ReadFromJsonAsync<CodeRequested>())!;
        var code = await CodeSentToAsync(customerId, address);

        var confirmed = await http.PostAsJsonAsync($"/api/v1/customers/{customerId}/verifications/{verification.VerificationId}/confirm", new { code });

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var customer = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() });
        Assert.Contains(customer.Identities, i => i.Kind == "email" && i.Address == address && i.Verified);
        var resolved = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = address });
        Assert.Equal(customerId.ToString(), resolved.CustomerId);
    }

    [Fact]
    public async Task Refuses_a_wrong_code_and_then_every_code_after_too_many_tries()
    {
        var customerId = await NewCustomerAsync();
        var address = "061" + Random.Shared.Next(1_000_000, 10_000_000);
        using var http = fixture.Service.CreateClient();
        var verification = (await (await http.PostAsJsonAsync($"/api/v1/customers/{customerId}/verifications", new { kind = "phone", address }))
            .Content.ReadFromJsonAsync<CodeRequested>())!;
        var code = await CodeSentToAsync(customerId, "+31" + address[1..]);
        var wrong = code == "000000" ? "111111" : "000000";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await http.PostAsJsonAsync($"/api/v1/customers/{customerId}/verifications/{verification.VerificationId}/confirm", new { code = wrong })).StatusCode);
        }
        var right = await http.PostAsJsonAsync($"/api/v1/customers/{customerId}/verifications/{verification.VerificationId}/confirm", new { code });

        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal(HttpStatusCode.Gone, statuses[5]);
        Assert.Equal(HttpStatusCode.Gone, right.StatusCode);
        var customer = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() });
        Assert.DoesNotContain(customer.Identities, i => i.Kind == "phone");
    }

    [Fact]
    public async Task Suggests_a_merge_instead_of_taking_an_address_another_customer_has()
    {
        var address = $"taken.{Guid.NewGuid():N}@example.nl";
        var owner = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = address });
        var claimant = await NewCustomerAsync();
        using var http = fixture.Service.CreateClient();
        var verification = (await (await http.PostAsJsonAsync($"/api/v1/customers/{claimant}/verifications", new { kind = "email", address }))
            .Content.ReadFromJsonAsync<CodeRequested>())!;
        var code = await CodeSentToAsync(claimant, address);

        var confirmed = await http.PostAsJsonAsync($"/api/v1/customers/{claimant}/verifications/{verification.VerificationId}/confirm", new { code });

        Assert.Equal(HttpStatusCode.Conflict, confirmed.StatusCode);
        var stillOwner = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = address });
        Assert.Equal(owner.CustomerId, stillOwner.CustomerId);
    }

    [Theory]
    [InlineData("{\"kind\":\"fax\",\"address\":\"x\"}", "kind")]
    [InlineData("{\"kind\":\"email\",\"address\":\"not-an-address\"}", "address")]
    [InlineData("{\"kind\":\"phone\",\"address\":\"12\"}", "address")]
    public async Task Answers_400_naming_the_field_for_a_bad_request(string body, string field)
    {
        var customerId = await NewCustomerAsync();
        using var http = fixture.Service.CreateClient();

        var response = await http.PostAsync($"/api/v1/customers/{customerId}/verifications", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Counts_a_whatsapp_number_as_verified_by_the_provider()
    {
        var number = "+3161" + Random.Shared.Next(1_000_000, 10_000_000);
        var resolved = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "whatsapp", Address = number });

        var customer = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = resolved.CustomerId });

        Assert.True(Assert.Single(customer.Identities).Verified);
    }
}
