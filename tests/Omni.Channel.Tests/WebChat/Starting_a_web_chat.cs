using System.Net;
using System.Net.Http.Json;
using Omni.Channel.Tests.Support;
using Omni.Identity.Verification;
using Xunit;

namespace Omni.Channel.Tests.WebChat;

[Collection(ChannelCollection.Name)]
public sealed class Starting_a_web_chat(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Gives_a_new_visitor_a_random_token_and_a_customer_of_their_own()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();

        var one = await http.StartSessionAsync(site);
        var other = await http.StartSessionAsync(site);

        Assert.NotEqual(one.VisitorToken, other.VisitorToken);
        Assert.True(one.VisitorToken.Length >= 43 && one.VisitorToken.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "32+ random bytes in base64url");
        Assert.NotNull(one.CustomerId);
        Assert.NotEqual(one.CustomerId, other.CustomerId);
        Assert.False(one.Verified);
    }

    [Fact]
    public async Task Keeps_a_returning_visitors_token_and_customer()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var first = await http.StartSessionAsync(site);

        var again = await http.StartSessionAsync(site, first.VisitorToken);

        Assert.Equal(first.VisitorToken, again.VisitorToken);
        Assert.Equal(first.CustomerId, again.CustomerId);
    }

    [Fact]
    public async Task A_wrong_login_proof_leaves_the_visitor_anonymous()
    {
        var site = await fixture.NewSiteAsync();
        var secret = await fixture.NewWebsiteSecretAsync(site);
        using var http = fixture.Channel.CreateClient();
        var visitor = await http.StartSessionAsync(site);

        var forged = await http.StartSessionAsync(site, visitor.VisitorToken,
            new { id = "user-42", hash = WebsiteVerification.Proof(secret, "user-43") });

        Assert.False(forged.Verified);
        Assert.Equal(visitor.CustomerId, forged.CustomerId);
    }

    [Fact]
    public async Task A_valid_login_proof_continues_the_chat_as_the_verified_user_on_every_device()
    {
        var site = await fixture.NewSiteAsync();
        var secret = await fixture.NewWebsiteSecretAsync(site);
        var userId = "user-" + Guid.NewGuid().ToString("N")[..8];
        var user = new { id = userId, hash = WebsiteVerification.Proof(secret, userId) };
        using var http = fixture.Channel.CreateClient();

        var laptop = await http.StartSessionAsync(site, user: user);
        var phone = await http.StartSessionAsync(site, user: user);

        Assert.True(laptop.Verified);
        Assert.True(phone.Verified);
        Assert.Equal(laptop.CustomerId, phone.CustomerId);
        // Both pages chat as the one verified customer.
        await using var page = await fixture.OpenChatAsync(site, phone.VisitorToken);
        var sent = await page.SendAsync("Signed in on my phone");
        Assert.Equal(laptop.CustomerId, (await http.SettledAsync(sent.Id)).CustomerId);
    }

    [Theory]
    [InlineData("""{"visitorToken":null}""", "site")]
    [InlineData("""{"site":"x","visitorToken":"short"}""", "visitorToken")]
    [InlineData("""{"site":"x","user":{"id":"","hash":"00"}}""", "user.id")]
    [InlineData("""{"site":"x","user":{"id":"42","hash":"not-hex"}}""", "user.hash")]
    [InlineData("""{"site":""", "site")]
    public async Task Malformed_input_gets_a_400_naming_the_field(string body, string field)
    {
        using var http = fixture.Channel.CreateClient();

        var response = await http.PostAsync("/api/v1/webchat/sessions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(field, await response.ProblemFieldsAsync());
    }

    [Fact]
    public async Task An_unknown_site_gets_404_and_no_hub_connection()
    {
        using var http = fixture.Channel.CreateClient();
        var site = await fixture.NewSiteAsync();
        var token = (await http.StartSessionAsync(site)).VisitorToken;

        var session = await http.PostSessionAsync(new { site = "no-such-site" });
        var negotiate = await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&site=no-such-site&access_token={token}", null);
        var withoutToken = await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&site={site}", null);

        Assert.Equal(HttpStatusCode.NotFound, session.StatusCode);
        Assert.Equal("application/problem+json", session.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, negotiate.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.OpenChatAsync("no-such-site", token));
    }
}
