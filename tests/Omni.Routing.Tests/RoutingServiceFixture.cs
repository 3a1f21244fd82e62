extern alias channel;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using channel::Omni.Channel.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Omni.Contracts.Channel;
using Omni.Contracts.Routing;
using Omni.Identity.Customers;
using Omni.Routing.Conversations;
using Omni.Routing.Grpc;
using Omni.Routing.Queues;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using StackExchange.Redis;
using Xunit;

namespace Omni.Routing.Tests;

/// <summary>
/// Real servers; identity, channel and routing hosted in-process and wired as in production (channel resolves senders
/// through identity, routing fetches transcripts from channel and lists agents from identity); a signing key of this
/// run that identity signs with and routing validates with; a bus of the test's own to publish what other services
/// would and to see what routing publishes; and routing's Redis read directly.
/// </summary>
/// <remarks>
/// Routing runs with short timeouts (<see cref="OfferTimeout"/>, <see cref="BotAnswerTimeout"/>) so that lapses happen
/// within a test. The default queue is given a skill no test agent has: conversations other tests leave waiting there
/// are never offered to the agents of another test. Every test makes its own queues (with a skill and a topic of their
/// own) and its own agents.
/// </remarks>
public sealed class RoutingServiceFixture : IAsyncLifetime
{
    public static readonly TimeSpan OfferTimeout = TimeSpan.FromSeconds(4);

    public static readonly TimeSpan BotAnswerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The skill the default queue asks for in these tests; no test agent has it.</summary>
    public const string DefaultQueueSkill = "general";

    private TestBus? _bus;
    private ConnectionMultiplexer? _redis;

    public TestInfrastructure Infrastructure { get; } = new();

    public Tokens Tokens { get; } = new();

    public ServiceFactory<IdentityGrpcService> Identity { get; private set; } = null!;

    public ConnectedServiceFactory<ChannelGrpcService> Channel { get; private set; } = null!;

    public ConnectedServiceFactory<RoutingGrpcService> Routing { get; private set; } = null!;

    public RoutingApi.RoutingApiClient Grpc { get; private set; } = null!;

    /// <summary>What routing's endpoints have finished handling.</summary>
    public ConsumedMessages Consumed { get; } = new();

    /// <summary>Every StatusChanged routing published, as the channel receives them.</summary>
    public ReceivedMessages<StatusChanged> StatusChanges { get; } = new();

    /// <summary>Every SendMessage command routing published (agents' replies), as the channel receives them.</summary>
    public ReceivedMessages<SendMessage> SendCommands { get; } = new();

    /// <summary>Routing's Redis (session context, presence), read directly.</summary>
    public IDatabase SessionCache => _redis!.GetDatabase();

    public QueueDto DefaultQueue { get; private set; } = null!;

    /// <summary>Routing's settings in these tests (and for a second routing host on the same database).</summary>
    public IReadOnlyDictionary<string, string?> RoutingSettings => new Dictionary<string, string?>
    {
        ["Identity:SigningKey"] = Tokens.SigningKeyPem,
        ["Routing:OfferTimeout"] = OfferTimeout.ToString(),
        ["Routing:BotAnswerTimeout"] = BotAnswerTimeout.ToString(),
        ["Routing:RouterInterval"] = "00:00:00.250",
    };

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();

        Identity = new ServiceFactory<IdentityGrpcService>(Infrastructure,
            new Dictionary<string, string?> { ["Identity:SigningKey"] = Tokens.SigningKeyPem });
        Channel = new ConnectedServiceFactory<ChannelGrpcService>(Infrastructure,
            new Dictionary<string, GrpcServer> { ["IdentityApiClient"] = GrpcServer.InProcess(Identity) });
        Routing = NewRoutingHost();
        Grpc = new RoutingApi.RoutingApiClient(Routing.CreateGrpcChannel());

        // Routing's queues must be bound before anything is published to them.
        var routingBus = Routing.Services.GetRequiredService<IBusControl>();
        routingBus.ConnectConsumeObserver(Consumed);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (routingBus.CheckHealth().Status != BusHealthStatus.Healthy) await Task.Delay(50, timeout.Token);
        }

        _bus = await TestBus.StartAsync(Infrastructure.ConnectionStrings["bus"], rabbit =>
        {
            StatusChanges.Bind(rabbit, "routing-tests-status-changed");
            SendCommands.Bind(rabbit, "routing-tests-send-message");
        });
        _redis = await ConnectionMultiplexer.ConnectAsync(Infrastructure.ConnectionStrings["session-cache"]);

        using var supervisor = Client(Tokens.Supervisor());
        var general = (await supervisor.GetFromJsonAsync<QueueDto[]>("/api/v1/queues"))!.Single(q => q.IsDefault);
        var closed = await supervisor.PutAsJsonAsync($"/api/v1/queues/{general.Id}", new
        {
            name = general.Name,
            description = general.Description,
            requiredSkills = new Dictionary<string, int> { [DefaultQueueSkill] = 1 },
            isDefault = true,
        });
        closed.EnsureSuccessStatusCode();
        DefaultQueue = (await closed.Content.ReadFromJsonAsync<QueueDto>())!;
    }

    /// <summary>A routing host with this fixture's settings; its gRPC clients reach the in-process channel and identity unless told otherwise.</summary>
    public ConnectedServiceFactory<RoutingGrpcService> NewRoutingHost(IReadOnlyDictionary<string, GrpcServer>? grpcClients = null) =>
        new(Infrastructure,
            grpcClients ?? new Dictionary<string, GrpcServer>
            {
                ["ChannelApiClient"] = GrpcServer.InProcess(Channel),
                ["IdentityApiClient"] = GrpcServer.InProcess(Identity),
            },
            RoutingSettings);

    /// <summary>A client of routing's HTTP API carrying <paramref name="token"/> (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var client = Routing.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client of routing's HTTP API signed in as a supervisor.</summary>
    public HttpClient SupervisorClient() => Client(Tokens.Supervisor());

    /// <summary>
    /// Publishes a MessageReceived as the channel's outbox does (with a bus message id of its own), waits until routing
    /// has handled it and returns that bus message id.
    /// </summary>
    public Task<Guid> DeliverAsync(MessageReceived message, Guid? busMessageId = null, int handledTimes = 1) =>
        PublishAsync(message, busMessageId, handledTimes);

    /// <summary>Publishes <paramref name="message"/> as its owning service would, and waits until routing has handled it.</summary>
    public async Task<Guid> PublishAsync<T>(T message, Guid? busMessageId = null, int handledTimes = 1) where T : class
    {
        var id = busMessageId ?? Guid.CreateVersion7();
        await _bus!.Bus.Publish(message, context => context.MessageId = id);
        await Consumed.HandledAsync(id, handledTimes);
        return id;
    }

    public async Task<ConversationSummaryDto[]> ConversationsOfAsync(Guid customerId)
    {
        using var http = SupervisorClient();
        return (await http.GetFromJsonAsync<ConversationSummaryDto[]>($"/api/v1/conversations?customerId={customerId}"))!;
    }

    public async Task DisposeAsync()
    {
        if (_bus is not null) await _bus.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        await Routing.DisposeAsync();
        await Channel.DisposeAsync();
        await Identity.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RoutingCollection : ICollectionFixture<RoutingServiceFixture>
{
    public const string Name = "routing";
}

/// <summary>Messages as the channel would announce them.</summary>
public static class Received
{
    /// <summary>A customer routing has never seen.</summary>
    public static Guid NewCustomer() => Guid.CreateVersion7();

    /// <summary>A message of the customer on the channel; its time as the channel's database holds it (microseconds).</summary>
    public static MessageReceived On(Guid customerId, string channel, DateTimeOffset? at = null)
    {
        var time = at ?? DateTimeOffset.UtcNow;
        return new(Guid.CreateVersion7(), customerId, channel, time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond)));
    }
}
