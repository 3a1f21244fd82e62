using MassTransit;
using Omni.Channel.Grpc;
using Omni.Messaging;
using Omni.Messaging.Hosting;
using Omni.Routing.Consumers;
using Omni.Routing.Data;
using Omni.Routing.Session;

namespace Omni.Routing.Extensions;

public static class RoutingServiceExtensions
{
    /// <summary>Routing's database, session cache, consumers, channel client and APIs.</summary>
    public static IHostApplicationBuilder AddRoutingServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RoutingDbContext>("routing-db");
        builder.AddRedisClient("session-cache");
        builder.AddOmniMessaging<RoutingDbContext>("routing", bus =>
            bus.AddConsumer<MessageReceivedConsumer, MessageReceivedConsumerDefinition>());

        builder.Services.AddGrpcClient<ChannelApi.ChannelApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:ChannelGrpc"] ?? "http://_grpc.channel"));
        builder.Services.AddSingleton<SessionContextStore>();

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker, cache and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
