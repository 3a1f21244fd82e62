using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Omni.Channel.Data;

namespace Omni.Channel.Accounts;

/// <summary>
/// The enabled channel accounts as the webhooks look them up (by kind and address, or all of a kind), cached briefly:
/// every provider webhook needs its account's secret before anything else, and at hundreds of webhooks a second that
/// lookup would be a database round trip each. A change through the accounts API clears this instance's cache at once;
/// other instances see it within <see cref="Lifetime"/> (a disabled account or a rotated token takes effect within it).
/// </summary>
public sealed class AccountDirectory(IServiceScopeFactory scopes, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private CancellationTokenSource _generation = new();

    /// <summary>The enabled accounts of one of <paramref name="kinds"/> with this (normalised) address. Shared: never change them.</summary>
    public Task<IReadOnlyList<ChannelAccount>> FindAsync(string[] kinds, string address, CancellationToken cancellationToken) =>
        CachedAsync(("accounts", string.Join(',', kinds), address), db => db.Accounts.AsNoTracking()
            .Where(a => kinds.Contains(a.Kind) && a.Address == address && a.DisabledAt == null)
            .OrderBy(a => a.CreatedAt)
            .ToListAsync(cancellationToken));

    /// <summary>Every enabled account of one of <paramref name="kinds"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<ChannelAccount>> AllAsync(string[] kinds, int limit, CancellationToken cancellationToken) =>
        CachedAsync(("all-accounts", string.Join(',', kinds), limit.ToString()), db => db.Accounts.AsNoTracking()
            .Where(a => kinds.Contains(a.Kind) && a.DisabledAt == null)
            .OrderBy(a => a.CreatedAt)
            .Take(limit)
            .ToListAsync(cancellationToken));

    /// <summary>Drops everything cached: an account was added or changed.</summary>
    public void Forget()
    {
        // Not disposed: a lookup may still be reading its token (a source without timers holds nothing to free).
        Interlocked.Exchange(ref _generation, new CancellationTokenSource()).Cancel();
    }

    private async Task<IReadOnlyList<ChannelAccount>> CachedAsync((string, string, string) key, Func<ChannelDbContext, Task<List<ChannelAccount>>> load)
    {
        if (cache.TryGetValue(key, out IReadOnlyList<ChannelAccount>? found) && found is not null) return found;
        var generation = _generation.Token;
        await using var scope = scopes.CreateAsyncScope();
        var accounts = await load(scope.ServiceProvider.GetRequiredService<ChannelDbContext>());
        if (!generation.IsCancellationRequested)
        {
            cache.Set(key, (IReadOnlyList<ChannelAccount>)accounts, new MemoryCacheEntryOptions
            {
                AbsoluteExpirationRelativeToNow = Lifetime,
                ExpirationTokens = { new CancellationChangeToken(generation) },
            });
        }
        return accounts;
    }
}
