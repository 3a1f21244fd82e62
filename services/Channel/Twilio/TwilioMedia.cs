using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Media;
using Omni.Channel.Messages;

namespace Omni.Channel.Twilio;

/// <summary>
/// An MMS's files (<c>MediaUrl{i}</c> of the webhook): fetched from Twilio's API with basic auth (account SID and auth
/// token), as Twilio serves them when media access requires authentication. The credentials go to the account's Twilio
/// API address only; Twilio redirects to where the file is kept, and the redirect is followed without them.
/// </summary>
public sealed class TwilioMedia(IHttpClientFactory clients, IOptions<TwilioOptions> options) : IMediaSource
{
    public bool Serves(string channel) => channel is AccountKinds.Sms or AccountKinds.Voice;

    public async Task<MediaResult> FetchAsync(MessageAttachment attachment, ChannelAccount account, MediaOptions limits, CancellationToken cancellationToken)
    {
        if (account.Setting("accountSid") is not { Length: > 0 } accountSid || account.Secret("authToken") is not { Length: > 0 } authToken)
        {
            return new MediaResult.Failed("The Twilio account has no accountSid setting or authToken secret");
        }
        var apiBase = account.Setting("apiBaseUrl") ?? options.Value.ApiBaseUrl;
        if (!Uri.TryCreate(attachment.ProviderReference, UriKind.Absolute, out var url) || !MediaDownload.SameOrigin(url, apiBase))
        {
            return new MediaResult.Failed("The media address is not on the account's Twilio API");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        var declared = attachment.ContentType == "application/octet-stream" ? null : attachment.ContentType;
        return await MediaDownload.ReadAsync(clients.CreateClient(MediaExtensions.HttpClientName), request, declared, limits, "Twilio", cancellationToken);
    }
}
