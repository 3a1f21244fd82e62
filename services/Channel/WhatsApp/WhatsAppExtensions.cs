using Omni.Channel.Outbound;

namespace Omni.Channel.WhatsApp;

/// <summary>Settings of the WhatsApp channel (<c>Channel:WhatsApp</c>); an account's own <c>apiBaseUrl</c> setting wins.</summary>
public sealed class WhatsAppOptions
{
    /// <summary>Where the Graph API lives; tests and sandboxes point it at a stand-in.</summary>
    public string ApiBaseUrl { get; set; } = "https://graph.facebook.com";

    public string ApiVersion { get; set; } = "v21.0";

    /// <summary>Largest webhook body taken; Meta's notifications are a few kilobytes.</summary>
    public int MaxWebhookBytes { get; set; } = 1024 * 1024;

    /// <summary>WhatsApp's customer-service window: free-form messages only this long after the customer's last message.</summary>
    public TimeSpan ServiceWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a status report waits for the wamid of a message still being handed over before Meta is asked to redeliver.</summary>
    public TimeSpan StatusRaceWait { get; set; } = TimeSpan.FromSeconds(3);
}

public static class WhatsAppExtensions
{
    /// <summary>The WhatsApp Cloud API channel: its outbound transport and the Graph API client it uses.</summary>
    public static IHostApplicationBuilder AddWhatsApp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WhatsAppOptions>().BindConfiguration("Channel:WhatsApp");
        builder.Services.AddSingleton<IOutboundTransport, WhatsAppTransport>();
        // Sending is not idempotent: a retry inside one attempt could deliver a message twice. The outbound dispatcher
        // owns retries (with backoff and DeliveryFailed at the end), so this client makes one try. (The API is marked
        // for evaluation; it is the documented way to undo ConfigureHttpClientDefaults for one client.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(WhatsAppTransport.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
