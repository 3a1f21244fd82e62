using Yarp.ReverseProxy.Transforms;

namespace Omni.Gateway.PartnerKeys;

/// <summary>
/// Tells services which partner is calling: after the gateway has checked the API key, the request goes on with the
/// partner's name in <see cref="PartnerHeader"/> and without the key itself. The header is removed from every other
/// request, so no caller can claim to be a partner by sending it.
/// </summary>
public static class PartnerForwarding
{
    public const string PartnerHeader = "X-Omni-Partner";

    public static IReverseProxyBuilder AddPartnerForwarding(this IReverseProxyBuilder proxy) => proxy.AddTransforms(context =>
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove(PartnerHeader);
            var user = transform.HttpContext.User;
            if (user.Identity is { IsAuthenticated: true, AuthenticationType: PartnerKeyAuthenticationHandler.SchemeName }
                && user.FindFirst(PartnerKeyAuthenticationHandler.PartnerClaim)?.Value is { } partner)
            {
                headers.Remove(PartnerKeyAuthenticationHandler.HeaderName);
                headers.Add(PartnerHeader, partner);
            }
            return ValueTask.CompletedTask;
        }));
}
