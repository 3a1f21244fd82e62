using System.Security.Claims;
using Omni.Authentication;

namespace Omni.Knowledge.Articles;

/// <summary>Who reads or writes: customers (the widget, partner systems, anyone) see published articles only.</summary>
public enum Audience
{
    Customer,
    Agent,
    Editor,
}

/// <summary>
/// The caller as knowledge sees it, from the agent token it validated itself (the gateway lets anonymous readers
/// through and forwards agents' tokens untouched).
/// </summary>
public sealed record Caller(Audience Audience, Guid? AgentId, string? Name)
{
    public static readonly Caller Customer = new(Audience.Customer, null, null);

    /// <summary>Shipped content and imports run at start-up.</summary>
    public static readonly Caller System = new(Audience.Editor, null, "Omni help centre");

    public bool SeesDrafts => Audience != Audience.Customer;

    public static Caller From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return Customer;
        Guid? id = Guid.TryParse(user.FindFirst(OmniTokens.Claims.Subject)?.Value, out var parsed) ? parsed : null;
        var name = user.FindFirst(OmniTokens.Claims.Name)?.Value;
        if (user.IsInRole(OmniRoles.Editor) || user.IsInRole(OmniRoles.Admin)) return new(Audience.Editor, id, name);
        if (user.IsInRole(OmniRoles.Agent) || user.IsInRole(OmniRoles.Supervisor)) return new(Audience.Agent, id, name);
        return Customer;
    }
}

public static class CallerEndpointFilter
{
    /// <summary>
    /// Public endpoints serve anyone, but a token that was sent and is not valid (expired, forged) is answered with 401
    /// rather than quietly treated as a customer: an agent whose session ran out should know it.
    /// </summary>
    public static TBuilder RefuseInvalidTokens<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (header.Length > 0 && http.User.Identity?.IsAuthenticated != true)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await AuthenticationProblems.WriteAsync(http, StatusCodes.Status401Unauthorized, AuthenticationProblems.UnauthorizedTitle,
                    "The access token is not valid: expired, or not issued by Omni. Send none to read as a customer.");
                return Results.Empty;
            }
            return await next(context);
        });
}
