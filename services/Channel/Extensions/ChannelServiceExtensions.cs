using MassTransit;
using Omni.Channel.Data;
using Omni.Channel.Email;
using Omni.Channel.Media;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Omni.Channel.Partner;
using Omni.Channel.WebChat;
using Omni.Channel.Twilio;
using Omni.Channel.WhatsApp;
using Omni.Identity.Grpc;
using Omni.Messaging;
using Omni.Messaging.Hosting;

namespace Omni.Channel.Extensions;

/// <summary>How much of the channel's capacity background consumers may take.</summary>
public static class ChannelConsumers
{
    /// <summary>
    /// Messages one consumer handles at once per instance. Each holds a database connection for its inbox transaction
    /// (and some wait on identity meanwhile): unbounded, a burst of status changes or bot answers would take the whole
    /// pool and keep providers' webhooks waiting for a connection. Beyond it, work waits on the broker.
    /// </summary>
    public const int ConcurrentMessages = 4;
}

public static class ChannelServiceExtensions
{
    /// <summary>Channel's database, messaging, identity client, inbound processor and APIs.</summary>
    public static IHostApplicationBuilder AddChannelServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ChannelDbContext>("channel-db");
        // Queues are "channel-…". A second deployment on the same broker with a database of its own (a test host, say)
        // takes a prefix of its own, or it would take messages meant for this one.
        builder.AddOmniMessaging<ChannelDbContext>(builder.Configuration["Channel:QueuePrefix"] ?? "channel", bus =>
        {
            bus.AddConsumer<Notifications.StatusChangedConsumer, Notifications.StatusChangedConsumerDefinition>();
            bus.AddConsumer<CustomerMergesConsumer, CustomerMergesConsumerDefinition>();
            bus.AddConsumer<SendMessageConsumer, SendMessageConsumerDefinition>();
            bus.AddConsumer<Privacy.CustomerErasureConsumer, Privacy.CustomerErasureConsumerDefinition>();
        });

        builder.Services.AddGrpcClient<IdentityApi.IdentityApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:IdentityGrpc"] ?? "http://_grpc.identity"));

        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<Accounts.AccountDirectory>();
        builder.Services.AddSingleton<InboundSignal>();
        builder.Services.AddSingleton<MediaSignal>();
        builder.Services.AddScoped<InboundMessages>();
        builder.Services.AddScoped<Privacy.TranscriptErasure>();
        builder.Services.AddOptions<InboundProcessorOptions>().BindConfiguration("Channel:Inbound");
        builder.Services.AddHostedService<InboundProcessor>();

        builder.Services.AddSingleton<OutboundSignal>();
        builder.Services.AddScoped<OutboundMessages>();
        builder.Services.AddScoped<DeliveryStatuses>();
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration("Channel:Outbound");
        builder.Services.AddHostedService<OutboundDispatcher>();
        builder.AddWhatsApp();
        builder.AddTwilio();
        builder.AddEmail();
        builder.AddWebChat();
        builder.AddPartnerChannel();
        builder.AddMedia();

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
