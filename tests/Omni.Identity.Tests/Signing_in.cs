using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Omni.Identity.Agents;
using Omni.Identity.Customers;
using Omni.Testing;
using Xunit;
using static Omni.Identity.Tests.TestAgents;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Signing_in(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Gives_a_token_that_validates_against_the_published_key()
    {
        var (agent, password) = await fixture.NewAgentAsync("agent", "supervisor");

        var response = await fixture.RequestTokenAsync(agent.Email, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(8 * 3600, token.ExpiresIn);

        using var anonymous = fixture.CreateClient(token: null);
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync("/.well-known/jwks.json"));
        var key = Assert.Single(jwks.Keys);
        Assert.Equal("EC", key.Kty);
        Assert.Equal("P-256", key.Crv);
        Assert.True(string.IsNullOrEmpty(key.D), "the JWKS must not carry the private key");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "omni-identity",
            ValidAudience = "omni",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(key.Kid, jwt.Kid);
        Assert.Equal(agent.Id.ToString(), jwt.Subject);
        Assert.Equal(agent.Email, jwt.GetClaim("email").Value);
        Assert.Equal("Test Agent", jwt.GetClaim("name").Value);
        Assert.Equal(["agent", "supervisor"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.InRange(jwt.ValidTo, DateTime.UtcNow.AddHours(8).AddMinutes(-5), DateTime.UtcNow.AddHours(8).AddMinutes(1));
    }

    [Fact]
    public async Task Takes_the_address_however_it_is_written()
    {
        var (agent, password) = await fixture.NewAgentAsync("agent");

        var response = await fixture.RequestTokenAsync("  " + agent.Email.ToUpperInvariant() + " ", password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Answers_a_wrong_password_an_unknown_address_and_a_disabled_account_alike()
    {
        var (agent, password) = await fixture.NewAgentAsync("agent");
        var (disabled, disabledPassword) = await fixture.NewAgentAsync("agent");
        using var admin = fixture.Service.CreateClient();
        (await admin.PatchAsJsonAsync($"/api/v1/agents/{disabled.Id}", new { disabled = true })).EnsureSuccessStatusCode();

        var answers = new[]
        {
            await fixture.RequestTokenAsync(agent.Email, password + "x"),
            await fixture.RequestTokenAsync(NewAgentEmail(), password),
            await fixture.RequestTokenAsync(disabled.Email, disabledPassword),
        };

        var bodies = new List<string>();
        foreach (var answer in answers)
        {
            AssertProblem(answer, HttpStatusCode.Unauthorized);
            var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
            // Everything but the trace id, which differs per request by design.
            bodies.Add(string.Join("|", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}")));
        }
        Assert.Single(bodies.Distinct());
        Assert.Contains(SignInApi.FailedDetail, bodies[0]);
    }

    [Fact]
    public async Task Refuses_a_token_signed_with_another_key()
    {
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "omni-identity",
            Audience = "omni",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = new[] { "admin" } },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "forged" }, SecurityAlgorithms.EcdsaSha256),
        });
        using var http = fixture.CreateClient(forged);

        var response = await http.GetAsync("/api/v1/agents");

        AssertProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_bootstrap_admin_can_sign_in()
    {
        var response = await fixture.RequestTokenAsync(fixture.AdminEmail, fixture.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebToken((await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken);
        Assert.Contains(token.Claims, c => c.Type == "role" && c.Value == "admin");
    }

    [Fact]
    public async Task Instances_starting_together_on_a_new_database_create_one_bootstrap_admin()
    {
        var database = "identity_bootstrap_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(fixture.Infrastructure.ConnectionStrings["identity-db"]) { Database = database }.ConnectionString;
        await using (var server = new NpgsqlConnection(fixture.Infrastructure.ConnectionStrings["identity-db"]))
        {
            await server.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", server).ExecuteNonQueryAsync();
        }
        var email = NewAgentEmail();
        var password = NewPassword();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity-db"] = connectionString,
            ["Identity:SigningKey"] = fixture.SigningKeyPem,
            ["Identity:BootstrapAdmin:Email"] = email,
            ["Identity:BootstrapAdmin:Password"] = password,
        };
        // Migrated by one instance without a bootstrap admin first: what is raced here is the bootstrap, not the migrations.
        await using (var migrator = new ServiceFactory<IdentityGrpcService>(fixture.Infrastructure,
            new Dictionary<string, string?> { ["ConnectionStrings:identity-db"] = connectionString }))
        {
            migrator.StartServer();
        }
        var instances = Enumerable.Range(0, 3).Select(_ => new ServiceFactory<IdentityGrpcService>(fixture.Infrastructure, settings)).ToList();
        try
        {
            // Each instance runs the bootstrap at start-up, before it takes traffic.
            await Task.WhenAll(instances.Select(instance => Task.Run(instance.StartServer)));
            using var http = instances[0].CreateClient();
            var signedIn = await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password });

            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Assert.Equal(1L, await new NpgsqlCommand("SELECT count(*) FROM agents", connection).ExecuteScalarAsync());
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
    }
}
