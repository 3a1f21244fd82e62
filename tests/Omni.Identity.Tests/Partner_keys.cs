using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Omni.Identity.Grpc;
using Omni.Identity.Partners;
using Xunit;
using static Omni.Identity.Tests.TestAgents;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Partner_keys(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Shows_the_key_once_and_identity_accepts_it_over_grpc()
    {
        using var admin = fixture.Service.CreateClient();
        var partner = $"Webshop {Guid.NewGuid():N}";

        var response = await admin.PostAsJsonAsync("/api/v1/partners/keys", new { partner, scopes = new[] { "messages:write", "customers:read" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedPartnerKeyDto>())!;
        Assert.Matches("^omni_pk_[A-Za-z0-9]{8}_[A-Za-z0-9]{32,}$", created.Key);
        var secret = created.Key.Split('_')[3];

        var listed = await admin.GetStringAsync("/api/v1/partners/keys");
        Assert.Contains(created.Id.ToString(), listed);
        Assert.DoesNotContain(secret, listed);
        var stored = await fixture.ReadAsync<string>("""SELECT "SecretHash" FROM partner_keys WHERE "Id" = $1""", created.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), stored);

        var check = await fixture.Grpc.CheckPartnerKeyAsync(new CheckPartnerKeyRequest { Key = created.Key });

        Assert.True(check.Valid);
        Assert.Equal(created.Id.ToString(), check.KeyId);
        Assert.Equal(partner, check.Partner);
        Assert.Equal(["messages:write", "customers:read"], check.Scopes);
        var keys = await admin.GetFromJsonAsync<PartnerKeyDto[]>("/api/v1/partners/keys");
        Assert.NotNull(Assert.Single(keys!, k => k.Id == created.Id).LastUsedAt);
    }

    [Fact]
    public async Task A_revoked_key_is_no_longer_valid()
    {
        var key = await NewKeyAsync();
        using var admin = fixture.Service.CreateClient();
        Assert.True((await fixture.Grpc.CheckPartnerKeyAsync(new CheckPartnerKeyRequest { Key = key.Key })).Valid);

        var revoked = await admin.DeleteAsync($"/api/v1/partners/keys/{key.Id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.False((await fixture.Grpc.CheckPartnerKeyAsync(new CheckPartnerKeyRequest { Key = key.Key })).Valid);
        var keys = await admin.GetFromJsonAsync<PartnerKeyDto[]>("/api/v1/partners/keys");
        Assert.NotNull(Assert.Single(keys!, k => k.Id == key.Id).RevokedAt);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/partners/keys/{Guid.CreateVersion7()}")).StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_made_up_key_is_not_valid()
    {
        var key = (await NewKeyAsync()).Key;
        var lastChar = key[^1] == 'a' ? 'b' : 'a';
        var otherPrefix = key[..8] + (key[8] == 'a' ? 'b' : 'a') + key[9..];

        foreach (var candidate in new[] { key[..^1] + lastChar, otherPrefix, key + "x", key[..^1], key.ToUpperInvariant(), "omni_pk_", "", "not a key" })
        {
            var check = await fixture.Grpc.CheckPartnerKeyAsync(new CheckPartnerKeyRequest { Key = candidate });
            Assert.False(check.Valid, candidate);
            Assert.Equal("", check.Partner);
            Assert.Empty(check.Scopes);
        }
    }

    [Theory]
    [InlineData("", "messages:write", "partner")]
    [InlineData("Webshop", "", "scopes")]
    [InlineData("Webshop", "Messages Write", "scopes")]
    public async Task Refuses_bad_input_naming_the_field(string partner, string scope, string field)
    {
        using var admin = fixture.Service.CreateClient();

        var response = await admin.PostAsJsonAsync("/api/v1/partners/keys", new { partner, scopes = scope.Length == 0 ? Array.Empty<string>() : [scope] });

        AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    private async Task<CreatedPartnerKeyDto> NewKeyAsync()
    {
        using var admin = fixture.Service.CreateClient();
        var response = await admin.PostAsJsonAsync("/api/v1/partners/keys", new { partner = "Carrier", scopes = new[] { "messages:write" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedPartnerKeyDto>())!;
    }
}
