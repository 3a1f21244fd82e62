using Omni.Channel.Grpc;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Contracts.Channel;
using Omni.Identity.Customers;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests;

/// <summary>
/// Real servers, the identity service and the channel service hosted in-process (the channel's identity client reaches
/// identity's test server), and a queue of the test's own bound to <see cref="MessageReceived"/>.
/// </summary>
public sealed class ChannelServiceFixture : IAsyncLifetime
{
    /// <summary>The gRPC client name the channel registers for identity (AddGrpcClient names it after the client type).</summary>
    public const string IdentityClientName = "IdentityApiClient";

    private TestBus? _bus;

    public TestInfrastructure Infrastructure { get; } = new();

    public ServiceFactory<IdentityGrpcService> Identity { get; private set; } = null!;

    public ConnectedServiceFactory<ChannelGrpcService> Channel { get; private set; } = null!;

    public ChannelApi.ChannelApiClient Grpc { get; private set; } = null!;

    public ChannelDatabase Database { get; private set; } = null!;

    /// <summary>The test's own bus on the broker: to publish what other services would (commands, events).</summary>
    public MassTransit.IBus Bus => _bus?.Bus ?? throw new InvalidOperationException("Not started");

    /// <summary>Every MessageReceived the channel published, as a consumer on the broker sees it.</summary>
    public ReceivedMessages<MessageReceived> Announced { get; } = new();

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        _bus = await TestBus.StartAsync(Infrastructure.ConnectionStrings["bus"],
            rabbit => Announced.Bind(rabbit, "channel-tests-message-received"));

        Identity = new ServiceFactory<IdentityGrpcService>(Infrastructure);
        Channel = new ConnectedServiceFactory<ChannelGrpcService>(Infrastructure,
            new Dictionary<string, GrpcServer> { [IdentityClientName] = GrpcServer.InProcess(Identity) });
        Grpc = new ChannelApi.ChannelApiClient(Channel.CreateGrpcChannel());
        Database = new ChannelDatabase(Infrastructure.ConnectionStrings["channel-db"]);
    }

    public async Task DisposeAsync()
    {
        await Channel.DisposeAsync();
        await Identity.DisposeAsync();
        if (_bus is not null) await _bus.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ChannelCollection : ICollectionFixture<ChannelServiceFixture>
{
    public const string Name = "channel";
}
