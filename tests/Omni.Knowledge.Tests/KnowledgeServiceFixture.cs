extern alias channel;
extern alias identity;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Omni.Authentication;
using Omni.Channel.Grpc;
using Omni.Contracts.Channel;
using Omni.Contracts.Knowledge;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Grpc;
using Omni.Knowledge.Search;
using Omni.Knowledge.Tests.Support;
using Omni.Testing;
using Xunit;
using ChannelService = channel::Omni.Channel.Messages.ChannelGrpcService;
using IdentityService = identity::Omni.Identity.Customers.IdentityGrpcService;

namespace Omni.Knowledge.Tests;

/// <summary>
/// Real servers; identity (signing agents' tokens), the channel (holding customers' messages) and knowledge hosted
/// in-process and wired as in production, knowledge with the shipped help centre imported; a bus of the test's own
/// to publish what routing would.
/// </summary>
public sealed class KnowledgeServiceFixture : IAsyncLifetime
{
    private TestBus? _bus;

    public TestInfrastructure Infrastructure { get; } = new();

    public ServiceFactory<IdentityService> Identity { get; private set; } = null!;

    public ServiceFactory<ChannelService> Channel { get; private set; } = null!;

    public ServiceFactory<KnowledgeGrpcService> Knowledge { get; private set; } = null!;

    public KnowledgeApi.KnowledgeApiClient Grpc { get; private set; } = null!;

    public IBus Bus => _bus!.Bus;

    public string AdminEmail { get; } = $"admin.{Guid.NewGuid():N}@knowledge.test";

    public string AdminPassword { get; } = RandomNumberGenerator.GetHexString(24);

    /// <summary>The bootstrap admin's token (an admin is an editor too).</summary>
    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Identity = new ServiceFactory<IdentityService>(Infrastructure, new Dictionary<string, string?>
        {
            ["Identity:SigningKey"] = key.ExportPkcs8PrivateKeyPem(),
            ["Identity:BootstrapAdmin:Email"] = AdminEmail,
            ["Identity:BootstrapAdmin:Password"] = AdminPassword,
        });
        var identity = GrpcServer.InProcess(Identity);
        Channel = new ConnectedServiceFactory<ChannelService>(Infrastructure, new Dictionary<string, GrpcServer> { ["IdentityApiClient"] = identity });
        Knowledge = new WiredServiceFactory<KnowledgeGrpcService>(Infrastructure,
            new Dictionary<string, GrpcServer> { ["ChannelApiClient"] = GrpcServer.InProcess(Channel), ["IdentityApiClient"] = identity },
            new Dictionary<string, GrpcServer> { [JwksKeys.HttpClientName] = identity },
            new Dictionary<string, string?>
            {
                ["Knowledge:SeedHelpCentre"] = "true",
                ["Omni:Authentication:JwksAddress"] = new Uri(identity.Address, "/.well-known/jwks.json").ToString(),
            });
        Grpc = new KnowledgeApi.KnowledgeApiClient(Knowledge.CreateGrpcChannel());

        // Knowledge's queues must be bound before anything is published to them.
        var knowledgeBus = Knowledge.Services.GetRequiredService<IBusControl>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (knowledgeBus.CheckHealth().Status != BusHealthStatus.Healthy) await Task.Delay(50, timeout.Token);
        }
        _bus = await TestBus.StartAsync(Infrastructure.ConnectionStrings["bus"], rabbit =>
        {
            // What the bot sends and tells routing, seen as the channel and routing would.
            SentMessages.Bind(rabbit, $"knowledge-tests-send-{Guid.NewGuid():N}");
            Handoffs.Bind(rabbit, $"knowledge-tests-handoff-{Guid.NewGuid():N}");
            BotAnswers.Bind(rabbit, $"knowledge-tests-answered-{Guid.NewGuid():N}");
        });
        AdminToken = await SignInAsync(AdminEmail, AdminPassword);
    }

    public ReceivedMessages<SendMessage> SentMessages { get; } = new();

    public ReceivedMessages<HandoffRequested> Handoffs { get; } = new();

    public ReceivedMessages<BotAnswered> BotAnswers { get; } = new();

    /// <summary>A customer's web message through the channel's API, once the channel knows whose it is.</summary>
    public async Task<(Guid Customer, Guid Message)> SendCustomerMessageAsync(string address, string text)
    {
        using var http = Channel.CreateClient();
        var response = await http.PostAsJsonAsync("/api/v1/messages", new { channel = "web", from = new { kind = "email", address }, text });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<PostedMessage>())!.Id;
        var channel = new ChannelApi.ChannelApiClient(Channel.CreateGrpcChannel());
        var customer = await Eventually.Get(async () =>
        {
            var reply = await channel.GetMessagesAsync(new GetMessagesRequest { MessageIds = { id.ToString() } });
            return reply.Messages.FirstOrDefault() is { CustomerId.Length: > 0 } m ? m.CustomerId : null;
        }, "the channel to resolve the sender");
        return (Guid.Parse(customer), id);
    }

    public async Task PreferLanguageAsync(Guid customer, string language)
    {
        using var identity = Identity.CreateClient();
        identity.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        (await identity.PatchAsJsonAsync($"/api/v1/customers/{customer}", new { preferredLanguage = language })).EnsureSuccessStatusCode();
    }

    private sealed record PostedMessage(Guid Id);

    /// <summary>A client of knowledge as a customer (no token) or carrying <paramref name="token"/>.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = Knowledge.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client of knowledge signed in as a new agent with <paramref name="roles"/> (created by the admin through identity).</summary>
    public async Task<HttpClient> SignedInAsync(params string[] roles) => Client(await TokenAsync(roles));

    public async Task<string> TokenAsync(params string[] roles)
    {
        var email = $"agent.{Guid.NewGuid():N}@knowledge.test";
        var password = RandomNumberGenerator.GetHexString(20);
        using var admin = Identity.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        (await admin.PostAsJsonAsync("/api/v1/agents", new { name = "Eva Editor", email, password, roles })).EnsureSuccessStatusCode();
        return await SignInAsync(email, password);
    }

    public Task<HttpClient> EditorAsync() => SignedInAsync(OmniRoles.Agent, OmniRoles.Editor);

    public Task<HttpClient> AgentAsync() => SignedInAsync(OmniRoles.Agent);

    private async Task<string> SignInAsync(string email, string password)
    {
        using var anonymous = Identity.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenReply>())!.AccessToken;
    }

    /// <summary>Writes the gap sightings queued so far, so a test can read the report.</summary>
    public Task FlushGapsAsync() => Knowledge.Services.GetRequiredService<SearchGapRecorder>().FlushAsync(CancellationToken.None);

    /// <summary>One value read straight from knowledge's database.</summary>
    public async Task<T?> ReadAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Infrastructure.ConnectionStrings["knowledge-db"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task DisposeAsync()
    {
        if (_bus is not null) await _bus.DisposeAsync();
        await Knowledge.DisposeAsync();
        await Channel.DisposeAsync();
        await Identity.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }

    private sealed record TokenReply(string AccessToken);
}

[CollectionDefinition(Name)]
public sealed class KnowledgeCollection : ICollectionFixture<KnowledgeServiceFixture>
{
    public const string Name = "knowledge";
}
