using System.Security.Claims;

namespace Omni.Identity.Merging;

public static class CurrentAgent
{
    /// <summary>The signed-in agent's id (claim <c>sub</c>), or null for a caller without one (auth is the gateway's).</summary>
    public static Guid? AgentId(this ClaimsPrincipal user)
    {
        // JwtBearer maps "sub" to NameIdentifier unless inbound claim mapping is switched off; accept either.
        var sub = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        return Guid.TryParse(sub, out var id) ? id : null;
    }
}
