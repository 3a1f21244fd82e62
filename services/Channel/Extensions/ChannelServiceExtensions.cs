using MassTransit;
using Omni.Channel.Data;
using Omni.Channel.Email;
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

public static class ChannelServiceExtensions
{
    /// <summary>Channel's database, messaging, identity client, inbound processor and APIs.</summary>
    public static IHostApplicationBuilder AddChannelServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ChannelDbContext>("channel-db");
        builder.AddOmniMessaging<ChannelDbContext>("channel", bus =>
        {
            bus.AddConsumer<Notifications.StatusChangedConsumer, Notifications.StatusChangedConsumerDefinition>();
            bus.AddConsumer<CustomerMergesConsumer, CustomerMergesConsumerDefinition>();
        });

        builder.Services.AddGrpcClient<IdentityApi.IdentityApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:IdentityGrpc"] ?? "http://_grpc.identity"));

        builder.Services.AddSingleton<InboundSignal>();
        builder.Services.AddScoped<InboundMessages>();
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

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
