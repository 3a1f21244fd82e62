using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Omni.Authentication;

/// <summary>
/// Identity's public keys, fetched from its JWKS document and kept in memory. A token signed with a key id not seen
/// yet (identity got a new key) triggers a fetch, but at most one every <see cref="MinRefreshInterval"/>, so a flood
/// of forged key ids cannot turn into a flood of requests to identity. Keys are also re-read after <see cref="MaxAge"/>
/// so a withdrawn key stops being accepted.
/// </summary>
public sealed partial class JwksKeys(IHttpClientFactory httpClientFactory, TimeProvider clock, ILogger<JwksKeys> logger, Uri address)
{
    public const string HttpClientName = "omni-jwks";

    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    // UTC ticks, read without the gate: Interlocked keeps them whole.
    private long _lastAttempt = DateTimeOffset.MinValue.UtcTicks;
    private long _fetchedAt = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The keys known now; never blocks.</summary>
    public IReadOnlyList<SecurityKey> Current => _keys;

    /// <summary>Makes sure the key <paramref name="keyId"/> is known if identity has it, fetching the JWKS when needed and allowed.</summary>
    public async Task EnsureAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (!NeedsFetch(keyId)) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!NeedsFetch(keyId)) return; // another request fetched while this one waited
            var now = clock.GetUtcNow().UtcTicks;
            Interlocked.Exchange(ref _lastAttempt, now);
            using var client = httpClientFactory.CreateClient(HttpClientName);
            var json = await client.GetStringAsync(address, cancellationToken);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            _keys = [.. keys];
            Interlocked.Exchange(ref _fetchedAt, now);
            LogFetched(keys.Count, string.Join(", ", keys.Select(k => k.KeyId)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Keep the keys we have: identity being away must not sign every agent out.
            LogFetchFailed(address, ex.GetBaseException().Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool NeedsFetch(string? keyId)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (now - Interlocked.Read(ref _lastAttempt) < MinRefreshInterval.Ticks) return false;
        var known = keyId is not null && _keys.Any(k => k.KeyId == keyId);
        return !known || now - Interlocked.Read(ref _fetchedAt) > MaxAge.Ticks;
    }

    [LoggerMessage(LogLevel.Information, "Fetched {Count} signing key(s) of identity: {KeyIds}")]
    private partial void LogFetched(int count, string keyIds);

    [LoggerMessage(LogLevel.Warning, "Could not fetch identity's signing keys from {Address}: {Reason}")]
    private partial void LogFetchFailed(Uri address, string reason);
}
