using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Omni.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class The_gateway(OmniSystem omni)
{
    [Fact]
    public async Task Answers_an_unknown_route_with_a_problem_details_404()
    {
        var response = await omni.Gateway.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>();
        Assert.Equal(404, problem!.Status);
        Assert.Equal("No such route", problem.Title);
    }

    [Fact]
    public async Task Gives_every_request_a_correlation_id_and_keeps_the_callers()
    {
        using var mine = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/{Guid.NewGuid()}");
        mine.Headers.Add("X-Correlation-Id", "support-ticket-4711");

        var kept = await omni.Gateway.SendAsync(mine);
        var given = await omni.Gateway.GetAsync($"/api/v1/customers/{Guid.NewGuid()}");

        Assert.Equal("support-ticket-4711", kept.Headers.GetValues("X-Correlation-Id").Single());
        Assert.True(Guid.TryParse(given.Headers.GetValues("X-Correlation-Id").Single(), out _));
    }

    [Theory]
    [InlineData("/api/v1/messages/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/v1/customers/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/v1/conversations/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/v1/articles/00000000-0000-0000-0000-000000000001")]
    public async Task Routes_each_api_to_its_service(string path)
    {
        // Each service answers its own 404 for an id it does not hold, which proves the request reached it.
        var response = await omni.Admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual("No such route", (await response.Content.ReadFromJsonAsync<Problem>())!.Title);
    }
}
