using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Omni.Channel.WebChat;

/// <summary>The visitor behind a hub connection or a web chat request.</summary>
public sealed record Visitor(string Id, Guid AccountId, string Site)
{
    public static Visitor From(ClaimsPrincipal? user) =>
        user?.FindFirst(VisitorAuthentication.VisitorClaim)?.Value is { } id
        && Guid.TryParse(user.FindFirst(VisitorAuthentication.AccountClaim)?.Value, out var account)
        && user.FindFirst(VisitorAuthentication.SiteClaim)?.Value is { } site
            ? new Visitor(id, account, site)
            : throw new InvalidOperationException("Not a web chat visitor");
}

/// <summary>
/// Who a widget request comes from: the visitor token (<c>Authorization: Bearer</c>, or on the hub <c>access_token</c>
/// in the query, as SignalR's browser client sends it on WebSockets) on a known site (<c>site</c> in the query). Unknown sites are
/// refused with 404, missing or malformed tokens with 401, both as problem details.
/// </summary>
public sealed class VisitorAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WebChatSites sites)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "web-visitor";
    public const string Policy = "web-visitor";
    public const string VisitorClaim = "omni:visitor";
    public const string AccountClaim = "omni:account";
    public const string SiteClaim = "omni:site";

    private const string UnknownSite = "unknown-site";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The query string only where a browser cannot send a header (the hub's WebSocket and server-sent events).
        var token = Request.Path.StartsWithSegments(ChatHub.Path) ? Request.Query["access_token"].ToString() : "";
        if (token.Length == 0 && Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        if (token.Length == 0) return AuthenticateResult.NoResult();
        // Not a visitor token (an agent's token on an agent's call, say): not this scheme's to judge. Where a visitor is
        // required the challenge still answers 401.
        if (!VisitorToken.IsWellFormed(token)) return AuthenticateResult.NoResult();

        var site = await sites.FindAsync(Request.Query["site"], Context.RequestAborted);
        if (site is null)
        {
            Context.Items[UnknownSite] = true;
            return AuthenticateResult.Fail("Unknown site.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(VisitorClaim, VisitorToken.VisitorId(token)),
            new Claim(AccountClaim, site.AccountId.ToString()),
            new Claim(SiteClaim, site.Site),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.Items.ContainsKey(UnknownSite)
            ? TypedResults.Problem(title: "Unknown site", detail: "No web chat is set up for this site key.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(Context)
            : TypedResults.Problem(title: "Visitor token required",
                detail: "Send the visitor token from POST /api/v1/webchat/sessions (access_token or Authorization: Bearer) and the site key (site).",
                statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
}
