using Omni.Channel.Accounts;
using Omni.Channel.Outbound;
using Omni.Routing.Grpc;

namespace Omni.Channel.Twilio;

/// <summary>Settings of the Twilio channels (<c>Channel:Twilio</c>); an account's own <c>apiBaseUrl</c> setting wins.</summary>
public sealed class TwilioOptions
{
    /// <summary>Where Twilio's REST API lives; tests and sandboxes point it at a stand-in.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>
    /// How long an incoming call may wait for identity and routing before it is greeted without them. Twilio waits
    /// 15 s for TwiML; a caller should not hear silence at all.
    /// </summary>
    public TimeSpan VoiceLookupTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

public static class TwilioExtensions
{
    /// <summary>Twilio SMS and voice: webhook checks, the outbound SMS transport and its REST client, the routing client for callers' status.</summary>
    public static IHostApplicationBuilder AddTwilio(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TwilioOptions>().BindConfiguration("Channel:Twilio");
        builder.Services.AddSingleton<PublicAddress>();
        builder.Services.AddScoped<TwilioWebhookCheck>();
        builder.Services.AddScoped<CallerLookup>();
        foreach (var channel in new[] { AccountKinds.Sms, AccountKinds.Voice })
        {
            builder.Services.AddSingleton<IOutboundTransport>(services => ActivatorUtilities.CreateInstance<TwilioSmsTransport>(services, channel));
        }
        // Creating a message is not idempotent: a retry inside one attempt could text the customer twice. The outbound
        // dispatcher owns retries (with backoff and DeliveryFailed at the end), so this client makes one try.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out of the defaults.
        builder.Services.AddHttpClient(TwilioSmsTransport.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddGrpcClient<RoutingApi.RoutingApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:RoutingGrpc"] ?? "http://_grpc.routing"));
        return builder;
    }

    /// <summary>Twilio's webhooks: <c>/webhooks/twilio/sms</c>, <c>…/sms/status</c>, <c>…/voice</c>, <c>…/voice/gather</c>, <c>…/voice/status</c>.</summary>
    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var twilio = app.MapGroup("/webhooks/twilio")
            .WithTags("Twilio webhooks")
            .DisableAntiforgery();
        twilio.MapTwilioSms();
        twilio.MapTwilioVoice();
        return app;
    }
}
