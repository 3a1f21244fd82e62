using Omni.Channel.Twilio;
using Omni.Channel.WhatsApp;

namespace Omni.Channel.Media;

/// <summary>Limits and pacing of fetching customers' files from the providers (<c>Channel:Media</c>).</summary>
public sealed class MediaOptions
{
    /// <summary>Largest file kept; a larger one is refused (WhatsApp's own limit for audio and video is 16 MB).</summary>
    public long MaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Types kept (checked against the file's first bytes where the type has a known signature); others are refused.</summary>
    public string[] Types { get; set; } =
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
        "audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr", "video/mp4", "video/3gpp", "text/vcard", "text/x-vcard",
    ];

    public int BatchSize { get; set; } = 10;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a file is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time one download (both of WhatsApp's requests) may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

public static class MediaExtensions
{
    public const string HttpClientName = "provider-media";

    /// <summary>The media fetcher and the providers it fetches from (Twilio's media URLs, WhatsApp's media ids).</summary>
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration("Channel:Media");
        builder.Services.AddSingleton<IMediaSource, TwilioMedia>();
        builder.Services.AddSingleton<IMediaSource, WhatsAppMedia>();
        builder.Services.AddHostedService<MediaFetcher>();
        // The fetcher retries with its own backoff across minutes; one try per attempt here.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way out of the defaults.
        builder.Services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
