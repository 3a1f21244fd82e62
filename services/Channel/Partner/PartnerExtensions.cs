using Omni.Channel.Outbound;

namespace Omni.Channel.Partner;

public static class PartnerExtensions
{
    /// <summary>The partner API channel: its webhook transport and the client it posts with.</summary>
    public static IHostApplicationBuilder AddPartnerChannel(this IHostApplicationBuilder builder)
    {
        // Retries belong to the outbound dispatcher (backoff across minutes, DeliveryFailed at the end), not to the client.
#pragma warning disable EXTEXP0001 // the only way to opt one client out of the defaults' resilience handler
        builder.Services.AddHttpClient(PartnerTransport.ClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<IOutboundTransport, PartnerTransport>();
        return builder;
    }
}
