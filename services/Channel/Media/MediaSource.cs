using System.Net;
using System.Net.Http.Headers;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.WebChat;

namespace Omni.Channel.Media;

/// <summary>What one attempt to fetch a file came to.</summary>
public abstract record MediaResult
{
    public sealed record Fetched(byte[] Content, string ContentType) : MediaResult;

    /// <summary>Not kept, ever: too large or of a type Omni does not store.</summary>
    public sealed record Refused(string Reason) : MediaResult;

    /// <summary>May work later (a timeout, the provider's 5xx or 429).</summary>
    public sealed record Retry(string Reason) : MediaResult;

    /// <summary>Will never work (the provider says it does not exist, or the account cannot fetch it).</summary>
    public sealed record Failed(string Reason) : MediaResult;
}

/// <summary>Fetches the bytes of a file a provider keeps, for the channels it serves.</summary>
public interface IMediaSource
{
    bool Serves(string channel);

    /// <summary>One attempt; exceptions count as <see cref="MediaResult.Retry"/>.</summary>
    Task<MediaResult> FetchAsync(MessageAttachment attachment, ChannelAccount account, MediaOptions limits, CancellationToken cancellationToken);
}

/// <summary>The checks and the bounded read every source shares.</summary>
public static class MediaDownload
{
    /// <summary>
    /// Sends <paramref name="request"/> and reads the file within the limits: a declared or read length over
    /// <see cref="MediaOptions.MaxBytes"/>, or a type not allowed (or bytes that are not what the type says), is refused.
    /// </summary>
    public static async Task<MediaResult> ReadAsync(HttpClient http, HttpRequestMessage request, string? expectedType, MediaOptions limits,
        string provider, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (Unsuccessful(response, provider) is { } unsuccessful) return unsuccessful;

        var contentType = TypeOf(response.Content.Headers.ContentType) ?? expectedType ?? "application/octet-stream";
        if (contentType == "application/octet-stream" && expectedType is not null) contentType = expectedType;
        if (!limits.Types.Contains(contentType, StringComparer.OrdinalIgnoreCase)) return NotKept(contentType, limits);
        if (response.Content.Headers.ContentLength > limits.MaxBytes) return TooLarge(limits);

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limits.MaxBytes) return TooLarge(limits);
            buffer.Write(chunk, 0, read);
        }
        var content = buffer.ToArray();
        if (content.Length == 0) return new MediaResult.Retry($"{provider} sent an empty file");
        if (!AttachmentTypes.ContentMatches(contentType, content)) return new MediaResult.Refused($"The file is not the {contentType} it says it is.");
        return new MediaResult.Fetched(content, contentType);
    }

    /// <summary>Null for a 2xx; otherwise a retry for 408, 429 and 5xx and a failure for the rest.</summary>
    public static MediaResult? Unsuccessful(HttpResponseMessage response, string provider)
    {
        if (response.IsSuccessStatusCode) return null;
        var status = (int)response.StatusCode;
        var reason = $"{provider} answered {status}";
        return response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500
            ? new MediaResult.Retry(reason)
            : new MediaResult.Failed(reason);
    }

    public static MediaResult NotKept(string contentType, MediaOptions limits) =>
        new MediaResult.Refused($"Files of type {contentType} are not kept (kept: {string.Join(", ", limits.Types)}).");

    public static MediaResult TooLarge(MediaOptions limits) =>
        new MediaResult.Refused($"The file is larger than {limits.MaxBytes / 1024.0 / 1024:0.#} MB.");

    public static string? TypeOf(MediaTypeHeaderValue? header) =>
        header?.MediaType is { Length: > 0 and <= 100 } type ? type.Trim().ToLowerInvariant() : null;

    /// <summary>Whether <paramref name="url"/> is on the same scheme, host and port as <paramref name="baseUrl"/>.</summary>
    public static bool SameOrigin(Uri url, string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var origin)
        && Uri.Compare(url, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
