using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>Who may call what, as the gateway enforces it with identity's tokens.</summary>
[Collection(SystemCollection.Name)]
public sealed class Signing_in_at_the_gateway(OmniSystem omni)
{
    [Fact]
    public async Task An_anonymous_read_of_a_customer_gets_a_problem_401()
    {
        var response = await omni.Gateway.GetAsync("/api/v1/customers/x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await response.Content.ReadFromJsonAsync<Problem>())!.Status);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_agent_signed_in_through_the_gateway_reads_customers_but_not_the_admin_apis()
    {
        var email = $"agent.{Guid.NewGuid():N}@omni.test";
        var password = RandomNumberGenerator.GetHexString(20);
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/agents", new { name = "Eva Bakker", email, password, roles = new[] { "agent" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var agent = omni.SignedIn(await omni.SignInAsync(email, password));

        var customer = await agent.GetAsync($"/api/v1/customers/{Guid.CreateVersion7()}");
        var agents = await agent.GetAsync("/api/v1/agents");

        // identity's own 404 for an id it does not hold: the request got through the gateway and identity's check.
        Assert.Equal(HttpStatusCode.NotFound, customer.StatusCode);
        Assert.NotEqual("No such route", (await customer.Content.ReadFromJsonAsync<Problem>())!.Title);
        Assert.Equal(HttpStatusCode.Forbidden, agents.StatusCode);
        Assert.Equal("application/problem+json", agents.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_password_gets_the_same_401_as_an_unknown_address()
    {
        var wrongPassword = await omni.Gateway.PostAsJsonAsync("/api/v1/auth/token", new { email = omni.AdminEmail, password = "not-the-password" });
        var unknownAddress = await omni.Gateway.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@omni.test", password = "not-the-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownAddress.StatusCode);
        Assert.Equal((await wrongPassword.Content.ReadFromJsonAsync<Problem>())!.Title, (await unknownAddress.Content.ReadFromJsonAsync<Problem>())!.Title);
    }

    [Fact]
    public async Task Posting_a_message_stays_anonymous_and_reading_articles_too()
    {
        var message = await omni.Gateway.PostAsJsonAsync("/api/v1/messages",
            new PostedMessage("web", new Sender("email", $"widget.{Guid.NewGuid():N}@example.nl"), "Hello without signing in"));
        var article = await omni.Gateway.GetAsync($"/api/v1/articles/{Guid.CreateVersion7()}");
        var writeArticle = await omni.Gateway.PostAsJsonAsync("/api/v1/articles", new { title = "x" });

        Assert.Equal(HttpStatusCode.Accepted, message.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, article.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, writeArticle.StatusCode);
    }

    [Fact]
    public async Task Reading_a_message_back_needs_an_agent()
    {
        var posted = await omni.Gateway.PostMessageAsync(new PostedMessage("web", new Sender("phone", "061" + Random.Shared.Next(1_000_000, 10_000_000)), "Hi"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await omni.Gateway.GetAsync($"/api/v1/messages/{posted.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await omni.Admin.GetAsync($"/api/v1/messages/{posted.Id}")).StatusCode);
    }
}
