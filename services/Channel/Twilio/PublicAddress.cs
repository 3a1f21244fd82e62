namespace Omni.Channel.Twilio;

/// <summary>
/// The address the outside world calls this deployment by (<c>Channel:PublicBaseUrl</c>, e.g. the gateway's). Twilio
/// signs the exact URL it called, so webhooks are checked against this address rather than the one the request reached
/// the channel service on (through the gateway, that is an internal one).
/// </summary>
public sealed class PublicAddress(IConfiguration configuration)
{
    /// <summary>The configured public base, without a trailing slash; null when none is configured.</summary>
    public string? ConfiguredBase => configuration["Channel:PublicBaseUrl"] is { Length: > 0 } value ? value.TrimEnd('/') : null;

    /// <summary>
    /// The public base for this request: the configured one, else what the request says (a proxy's X-Forwarded-Proto
    /// and X-Forwarded-Host first). Trusting those headers is safe here: they only choose which URL the signature is
    /// checked against, and a signature still needs the account's secret.
    /// </summary>
    public string BaseFor(HttpRequest request)
    {
        if (ConfiguredBase is { } configured) return configured;
        var scheme = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        return $"{scheme}://{host}{request.PathBase.ToUriComponent()}";
    }

    /// <summary>The full URL as Twilio called it: public base + path + query.</summary>
    public string UrlOf(HttpRequest request) => BaseFor(request) + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count > 0 && values[0] is { Length: > 0 } first ? first.Split(',')[0].Trim() : null;
}
