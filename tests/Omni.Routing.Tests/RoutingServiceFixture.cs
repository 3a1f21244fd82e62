extern alias channel;

using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using channel::Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Contracts.Channel;
using Omni.Identity.Customers;
using Omni.Routing.Conversations;
using Omni.Routing.Grpc;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using StackExchange.Redis;
using Xunit;

namespace Omni.Routing.Tests;

/// <summary>
/// Real servers; identity, channel and routing hosted in-process and wired as in production (channel resolves senders
/// through identity, routing fetches transcripts from channel); a bus of the test's own to publish
/// <see cref="MessageReceived"/> as the channel would; and routing's session cache read directly.
/// </summary>
public sealed class RoutingServiceFixture : IAsyncLifetime
{
    private TestBus? _bus;
    private ConnectionMultiplexer? _redis;

    public TestInfrastructure Infrastructure { get; } = new();

    public ServiceFactory<IdentityGrpcService> Identity { get; private set; } = null!;

    public ConnectedServiceFactory<ChannelGrpcService> Channel { get; private set; } = null!;

    public ConnectedServiceFactory<RoutingGrpcService> Routing { get; private set; } = null!;

    public RoutingApi.RoutingApiClient Grpc { get; private set; } = null!;

    /// <summary>What routing's endpoints have finished handling.</summary>
    public ConsumedMessages Consumed { get; } = new();

    public IDatabase SessionCache => _redis!.GetDatabase();

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();

        Identity = new ServiceFactory<IdentityGrpcService>(Infrastructure);
        Channel = new ConnectedServiceFactory<ChannelGrpcService>(Infrastructure,
            new Dictionary<string, GrpcServer> { ["IdentityApiClient"] = GrpcServer.InProcess(Identity) });
        Routing = new ConnectedServiceFactory<RoutingGrpcService>(Infrastructure,
            new Dictionary<string, GrpcServer> { ["ChannelApiClient"] = GrpcServer.InProcess(Channel) });
        Grpc = new RoutingApi.RoutingApiClient(Routing.CreateGrpcChannel());

        // Routing's queue must be bound before anything is published to it.
        var routingBus = Routing.Services.GetRequiredService<IBusControl>();
        routingBus.ConnectConsumeObserver(Consumed);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (routingBus.CheckHealth().Status != BusHealthStatus.Healthy) await Task.Delay(50, timeout.Token);
        }

        _bus = await TestBus.StartAsync(Infrastructure.ConnectionStrings["bus"], _ => { });
        _redis = await ConnectionMultiplexer.ConnectAsync(Infrastructure.ConnectionStrings["session-cache"]);
    }

    /// <summary>
    /// Publishes a MessageReceived as the channel's outbox does (with a bus message id of its own), waits until routing
    /// has handled it and returns that bus message id.
    /// </summary>
    public async Task<Guid> DeliverAsync(MessageReceived message, Guid? busMessageId = null, int handledTimes = 1)
    {
        var id = busMessageId ?? Guid.CreateVersion7();
        await _bus!.Bus.Publish(message, context => context.MessageId = id);
        await Consumed.HandledAsync(id, handledTimes);
        return id;
    }

    public async Task<ConversationSummaryDto[]> ConversationsOfAsync(Guid customerId)
    {
        using var http = Routing.CreateClient();
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
