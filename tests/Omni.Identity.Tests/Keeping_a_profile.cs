using System.Net;
using System.Net.Http.Json;
using Omni.Identity.Customers;
using Omni.Identity.Grpc;
using Xunit;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Keeping_a_profile(IdentityServiceFixture fixture)
{
    private async Task<(Guid Id, string Email)> NewCustomerAsync()
    {
        var email = $"profile.{Guid.NewGuid():N}@example.nl";
        var reply = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = email });
        return (Guid.Parse(reply.CustomerId), email);
    }

    [Fact]
    public async Task Changes_only_the_fields_sent_and_removes_attributes_set_to_null()
    {
        var (id, _) = await NewCustomerAsync();
        using var agent = fixture.Service.CreateClient();
        await agent.PatchAsJsonAsync($"/api/v1/customers/{id}", new { displayName = "Anna de Vries", preferredLanguage = "NL", attributes = new Dictionary<string, string?> { ["customerNumber"] = "C-1001", ["city"] = "Utrecht" } });

        var response = await agent.PatchAsJsonAsync($"/api/v1/customers/{id}", new { vipTier = "gold", attributes = new Dictionary<string, string?> { ["city"] = null } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var customer = (await response.Content.ReadFromJsonAsync<CustomerDto>())!;
        Assert.Equal("Anna de Vries", customer.DisplayName);
        Assert.Equal("nl", customer.PreferredLanguage);
        Assert.Equal("gold", customer.VipTier);
        Assert.Equal(new Dictionary<string, string> { ["customerNumber"] = "C-1001" }, customer.Attributes);
        var grpc = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = id.ToString() });
        Assert.Equal("nl", grpc.PreferredLanguage);
    }

    [Theory]
    [InlineData("{\"preferredLanguage\":\"dutch\"}", "preferredLanguage")]
    [InlineData("{\"vipTier\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", "vipTier")]
    [InlineData("{\"attributes\":{\"\":\"x\"}}", "attributes")]
    public async Task Refuses_an_invalid_change_naming_the_field(string body, string field)
    {
        var (id, _) = await NewCustomerAsync();
        using var agent = fixture.Service.CreateClient();

        var response = await agent.PatchAsync($"/api/v1/customers/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Finds_customers_by_part_of_their_name_or_by_an_address_written_any_way()
    {
        var (id, email) = await NewCustomerAsync();
        var surname = "Zwartjes" + Guid.NewGuid().ToString("N")[..6];
        using var agent = fixture.Service.CreateClient();
        await agent.PatchAsJsonAsync($"/api/v1/customers/{id}", new { displayName = $"Piet {surname}" });

        var byName = await agent.GetFromJsonAsync<CustomerDto[]>($"/api/v1/customers?q={surname.ToLowerInvariant()}");
        var byAddress = await agent.GetFromJsonAsync<CustomerDto[]>($"/api/v1/customers?q={Uri.EscapeDataString(" " + email.ToUpperInvariant())}");

        Assert.Equal(id, Assert.Single(byName!).Id);
        Assert.Equal(id, Assert.Single(byAddress!).Id);
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_customer()
    {
        using var agent = fixture.Service.CreateClient();

        var response = await agent.PatchAsJsonAsync($"/api/v1/customers/{Guid.CreateVersion7()}", new { displayName = "x" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

[Collection(IdentityCollection.Name)]
public sealed class Refusing_unreadable_bodies(IdentityServiceFixture fixture)
{
    [Theory]
    [InlineData("{\"displayName\": ", "displayName")]
    [InlineData("not json at all", "$")]
    [InlineData("{\"attributes\": [1, 2]}", "attributes")]
    public async Task Answers_400_problem_details_naming_where_the_json_went_wrong(string body, string field)
    {
        var id = (await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "web-visitor", Address = "v-" + Guid.NewGuid() })).CustomerId;
        using var agent = fixture.Service.CreateClient();

        var response = await agent.PatchAsync($"/api/v1/customers/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }
}
