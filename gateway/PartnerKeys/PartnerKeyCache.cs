using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Gateway.PartnerKeys;

/// <summary>What identity said about a key.</summary>
public sealed record PartnerKeyVerdict(bool Valid, string KeyId, string Partner, IReadOnlyList<string> Scopes)
{
    public static readonly PartnerKeyVerdict Invalid = new(false, "", "", []);
}

/// <summary>
/// Identity's answers about partner keys, kept for <see cref="TimeToLive"/>: a partner's burst costs identity one call
/// per key, and a revoked key stops working within that time. Entries are found by the key's SHA-256, so the gateway's
/// memory holds no usable key. Bounded: a flood of made-up keys cannot grow it without limit.
/// </summary>
public sealed class PartnerKeyCache(TimeProvider clock)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (PartnerKeyVerdict Verdict, DateTimeOffset ExpiresAt)> _entries = new(StringComparer.Ordinal);

    public PartnerKeyVerdict? Get(string key)
    {
        if (!_entries.TryGetValue(Fingerprint(key), out var entry)) return null;
        return entry.ExpiresAt > clock.GetUtcNow() ? entry.Verdict : null;
    }

    public void Set(string key, PartnerKeyVerdict verdict)
    {
        var now = clock.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            foreach (var (fingerprint, entry) in _entries)
            {
                if (entry.ExpiresAt <= now) _entries.TryRemove(fingerprint, out _);
            }
            // Still full of live entries: someone is guessing keys. Forgetting costs only extra checks at identity.
            if (_entries.Count >= MaxEntries) _entries.Clear();
        }
        _entries[Fingerprint(key)] = (verdict, now + TimeToLive);
    }

    private static string Fingerprint(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
