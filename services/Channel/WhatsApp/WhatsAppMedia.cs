using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Media;
using Omni.Channel.Messages;

namespace Omni.Channel.WhatsApp;

/// <summary>
/// A WhatsApp message's file, as the Cloud API hands it over: <c>GET /{version}/{media-id}</c> with the account's access
/// token answers where it is (<c>url</c>, <c>mime_type</c>, <c>file_size</c>, <c>sha256</c>); a <c>GET</c> of that
/// address with the same token answers the bytes (the address lives for minutes, so each attempt asks afresh). Files
/// over the limit or of a type not kept are refused on what Meta declares, before the download.
/// </summary>
public sealed class WhatsAppMedia(IHttpClientFactory clients, IOptions<WhatsAppOptions> options) : IMediaSource
{
    private const string Provider = "WhatsApp";

    public bool Serves(string channel) => channel == AccountKinds.WhatsApp;

    public async Task<MediaResult> FetchAsync(MessageAttachment attachment, ChannelAccount account, MediaOptions limits, CancellationToken cancellationToken)
    {
        if (account.Secret("accessToken") is not { Length: > 0 } accessToken)
        {
            return new MediaResult.Failed("The WhatsApp account has no access token (secret \"accessToken\")");
        }
        var apiBase = (account.Setting("apiBaseUrl") is { Length: > 0 } own ? own : options.Value.ApiBaseUrl).TrimEnd('/');
        var http = clients.CreateClient(MediaExtensions.HttpClientName);

        using var lookup = new HttpRequestMessage(HttpMethod.Get, $"{apiBase}/{options.Value.ApiVersion}/{Uri.EscapeDataString(attachment.ProviderReference!)}");
        lookup.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        MediaInfo info;
        using (var answer = await http.SendAsync(lookup, cancellationToken))
        {
            if (MediaDownload.Unsuccessful(answer, Provider) is { } unsuccessful) return unsuccessful;
            if (Read(await answer.Content.ReadAsStringAsync(cancellationToken)) is not { } read) return new MediaResult.Retry("WhatsApp's media answer has no url");
            info = read;
        }

        var declared = info.MimeType ?? (attachment.ContentType == "application/octet-stream" ? null : attachment.ContentType);
        if (declared is not null && !limits.Types.Contains(declared, StringComparer.OrdinalIgnoreCase)) return MediaDownload.NotKept(declared, limits);
        if (info.FileSize > limits.MaxBytes) return MediaDownload.TooLarge(limits);
        // The token goes along (Meta requires it), so only to an https address, or to the API's own (a local stand-in).
        if (!Uri.TryCreate(info.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !MediaDownload.SameOrigin(url, apiBase)))
        {
            return new MediaResult.Failed("WhatsApp's media address is not an https address");
        }

        using var download = new HttpRequestMessage(HttpMethod.Get, url);
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var result = await MediaDownload.ReadAsync(http, download, declared, limits, Provider, cancellationToken);
        if (result is MediaResult.Fetched fetched && info.Sha256 is { } expected && !Matches(fetched.Content, expected))
        {
            return new MediaResult.Retry("The file does not match the SHA-256 WhatsApp gave for it");
        }
        return result;
    }

    private sealed record MediaInfo(string Url, string? MimeType, long? FileSize, string? Sha256);

    private static MediaInfo? Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String) return null;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            // file_size comes as a number or as a string of digits.
            long? size = null;
            if (root.TryGetProperty("file_size", out var s))
            {
                if (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var number)) size = number;
                else if (s.ValueKind == JsonValueKind.String && long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) size = parsed;
            }
            var mime = Text("mime_type")?.Split(';')[0].Trim().ToLowerInvariant();
            return new MediaInfo(url.GetString()!, string.IsNullOrEmpty(mime) ? null : mime, size, Text("sha256"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the bytes have the hash Meta gave (hex or base64); a hash in neither form is not held against them.</summary>
    private static bool Matches(byte[] content, string expected)
    {
        var actual = SHA256.HashData(content);
        if (expected.Length == 64 && expected.All(char.IsAsciiHexDigit)) return CryptographicOperations.FixedTimeEquals(actual, Convert.FromHexString(expected));
        var buffer = new byte[48];
        return !Convert.TryFromBase64String(expected, buffer, out var written) || written != 32
               || CryptographicOperations.FixedTimeEquals(actual, buffer.AsSpan(0, 32));
    }
}
