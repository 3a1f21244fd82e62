using MassTransit;
using Microsoft.Extensions.Options;
using Omni.Channel.Grpc;
using Omni.Identity.Grpc;
using Omni.Messaging;
using Omni.Messaging.Hosting;
using Omni.Routing.Agents;
using Omni.Routing.Assignment;
using Omni.Routing.Consumers;
using Omni.Routing.Data;
using Omni.Routing.Desk;
using Omni.Routing.Queues;
using Omni.Routing.Session;
using StackExchange.Redis;

namespace Omni.Routing.Extensions;

public static class RoutingServiceExtensions
{
    /// <summary>Routing's database, session cache, consumers, router, agent hub, identity and channel clients, and APIs.</summary>
    public static IHostApplicationBuilder AddRoutingServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RoutingDbContext>("routing-db");
        builder.AddRedisClient("session-cache");
        builder.AddOmniMessaging<RoutingDbContext>("routing", bus =>
        {
            bus.AddConsumer<MessageReceivedConsumer, MessageReceivedConsumerDefinition>();
            bus.AddConsumer<HandoffRequestedConsumer, HandoffRequestedConsumerDefinition>();
            bus.AddConsumer<IdentityEventsConsumer, IdentityEventsConsumerDefinition>();
        });
        builder.AddOmniAuthentication();

        builder.Services.AddGrpcClient<ChannelApi.ChannelApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:ChannelGrpc"] ?? "http://_grpc.channel"));
        builder.Services.AddGrpcClient<IdentityApi.IdentityApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:IdentityGrpc"] ?? "http://_grpc.identity"));

        var services = builder.Services;
        services.TryAddTimeProvider();
        services.Configure<RoutingOptions>(builder.Configuration.GetSection("Routing"));
        services.AddSingleton(sp =>
        {
            // Configuration (Routing:Weights) may change any channel kind's weight.
            var weights = new Dictionary<string, int>(new RoutingPolicy().Weights);
            foreach (var (kind, weight) in sp.GetRequiredService<IOptions<RoutingOptions>>().Value.Weights) weights[kind] = weight;
            return new RoutingPolicy { Weights = weights };
        });
        services.AddSingleton(sp => new AssignmentEngine(sp.GetRequiredService<RoutingPolicy>()));
        services.AddSingleton<QueueWaits>();
        services.AddSingleton<SessionContextStore>();
        services.AddSingleton<PresenceStore>();
        services.AddSingleton<RouterSignal>();
        services.AddSingleton<RoutingMetrics>();
        services.AddSingleton<DeskNotifier>();
        services.AddScoped<ConversationQueueing>();
        services.AddScoped<DeskActions>();
        services.AddSingleton<QueueRouter>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueRouter>());
        services.AddSingleton<SupervisorFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorFeed>());
        services.AddSingleton<AgentDirectorySync>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentDirectorySync>());

        // The agents' hub scales out over the Redis backplane: an offer reaches the desk whichever instance holds its connection.
        var redis = builder.Configuration.GetConnectionString("session-cache")
            ?? throw new InvalidOperationException("Routing needs the Redis connection string 'session-cache' (the AppHost provides it).");
        services.AddSignalR().AddStackExchangeRedis(redis, backplane => backplane.Configuration.ChannelPrefix = RedisChannel.Literal("omni-desk"));

        services.AddGrpc();
        // gRPC health mirrors /health: database, broker, cache and the rest of the registered checks.
        services.AddGrpcHealthChecks();
        services.AddOpenApi();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(s => s.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
