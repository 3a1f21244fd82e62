using System.Net;
using System.Net.Http.Json;
using Omni.Identity.Grpc;
using Omni.Identity.Verification;
using Xunit;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Vouching_for_a_website_login(IdentityServiceFixture fixture)
{
    private async Task<WebsiteSecretShown> NewWebsiteAsync()
    {
        using var admin = fixture.Service.CreateClient();
        var response = await admin.PostAsJsonAsync("/api/v1/websites", new { site = $"shop-{Guid.NewGuid():N}"[..20] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebsiteSecretShown>())!;
    }

    private async Task<string> NewVisitorAsync() => (await fixture.Grpc.ResolveCustomerAsync(
        new ResolveCustomerRequest { Kind = "web-visitor", Address = "visitor-" + Guid.NewGuid() })).CustomerId;

    [Fact]
    public async Task Links_the_user_to_the_visitor_as_verified_when_the_proof_holds()
    {
        var website = await NewWebsiteAsync();
        var visitor = await NewVisitorAsync();

        var reply = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest
        {
            Site = website.Site, UserId = "user-42", Hash = WebsiteVerification.Proof(website.Secret, "user-42"), VisitorCustomerId = visitor,
        });

        Assert.True(reply.Verified);
        Assert.Equal(visitor, reply.CustomerId);
        var customer = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = visitor });
        Assert.Contains(customer.Identities, i => i.Kind == "external" && i.Address == $"{website.Site}:user-42" && i.Verified);
    }

    [Fact]
    public async Task Continues_as_the_known_customer_when_that_user_signed_in_before()
    {
        var website = await NewWebsiteAsync();
        var proof = WebsiteVerification.Proof(website.Secret, "returning");
        var first = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest { Site = website.Site, UserId = "returning", Hash = proof, VisitorCustomerId = await NewVisitorAsync() });
        var laterVisitor = await NewVisitorAsync();

        var again = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest { Site = website.Site, UserId = "returning", Hash = proof, VisitorCustomerId = laterVisitor });

        Assert.True(again.Verified);
        Assert.Equal(first.CustomerId, again.CustomerId);
        // The later visitor was merged into the known customer (audited, reversible).
        using var agent = fixture.Service.CreateClient();
        var visitor = await agent.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/customers/{laterVisitor}");
        Assert.Equal(first.CustomerId, visitor.GetProperty("mergedIntoId").GetString());
    }

    [Fact]
    public async Task Links_nothing_when_the_proof_is_wrong()
    {
        var website = await NewWebsiteAsync();
        var visitor = await NewVisitorAsync();

        var reply = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest
        {
            Site = website.Site, UserId = "user-7", Hash = WebsiteVerification.Proof("not the secret", "user-7"), VisitorCustomerId = visitor,
        });

        Assert.False(reply.Verified);
        Assert.Equal(visitor, reply.CustomerId);
        var customer = await fixture.Grpc.GetCustomerAsync(new GetCustomerRequest { CustomerId = visitor });
        Assert.DoesNotContain(customer.Identities, i => i.Kind == "external");
    }

    [Fact]
    public async Task Stops_accepting_proofs_once_the_secret_is_rotated()
    {
        var website = await NewWebsiteAsync();
        using var admin = fixture.Service.CreateClient();
        var rotated = await (await admin.PostAsync($"/api/v1/websites/{website.Site}/rotate", null)).Content.ReadFromJsonAsync<WebsiteSecretShown>();

        var old = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest { Site = website.Site, UserId = "u", Hash = WebsiteVerification.Proof(website.Secret, "u") });
        var current = await fixture.Grpc.VerifyWebUserAsync(new VerifyWebUserRequest { Site = website.Site, UserId = "u", Hash = WebsiteVerification.Proof(rotated!.Secret, "u") });

        Assert.False(old.Verified);
        Assert.True(current.Verified);
    }

    [Fact]
    public async Task Shows_no_secrets_when_listing_websites()
    {
        var website = await NewWebsiteAsync();
        using var admin = fixture.Service.CreateClient();

        var listing = await admin.GetStringAsync("/api/v1/websites");

        Assert.Contains(website.Site, listing);
        Assert.DoesNotContain(website.Secret, listing);
    }
}
