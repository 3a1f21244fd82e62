using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Omni.Channel.Accounts;
using Omni.Channel.Data;

namespace Omni.Channel.WebChat;

/// <summary>A website the widget may be embedded in: a channel account of kind <c>web</c> whose address is the site key.</summary>
public sealed record WebChatSite(Guid AccountId, string Site);

/// <summary>Finds the web account of a site key; asked on every session and hub connection, so answers are cached briefly.</summary>
public sealed class WebChatSites(IServiceScopeFactory scopes, IMemoryCache cache)
{
    // A disabled or new site takes effect within this time.
    private static readonly TimeSpan Known = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Unknown = TimeSpan.FromSeconds(5);

    public async Task<WebChatSite?> FindAsync(string? site, CancellationToken cancellationToken)
    {
        var key = site?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(key) || key.Length > 320) return null;
        return await cache.GetOrCreateAsync(("web-chat-site", key), async entry =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var accountId = await db.Accounts.AsNoTracking()
                .Where(a => a.Kind == AccountKinds.Web && a.DisabledAt == null && a.Address.ToLower() == key)
                .OrderBy(a => a.CreatedAt)
                .Select(a => (Guid?)a.Id)
                .FirstOrDefaultAsync(cancellationToken);
            entry.AbsoluteExpirationRelativeToNow = accountId is null ? Unknown : Known;
            return accountId is { } id ? new WebChatSite(id, key) : null;
        });
    }
}
