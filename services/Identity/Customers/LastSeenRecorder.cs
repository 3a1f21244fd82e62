using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Omni.Identity.Data;

namespace Omni.Identity.Customers;

/// <summary>
/// Records when identities and customers were last seen without putting a write on every resolve: sightings are
/// collected in memory and written in one statement per table every <see cref="FlushInterval"/>. Last-seen is
/// informative; a crash loses at most one interval of it, never a customer or an identity.
/// </summary>
public sealed class LastSeenRecorder(IServiceScopeFactory scopes, ILogger<LastSeenRecorder> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private ConcurrentDictionary<Guid, (Guid CustomerId, DateTimeOffset At)> _pending = new();

    public void Seen(Guid identityId, Guid customerId, DateTimeOffset at) =>
        _pending.AddOrUpdate(identityId, (customerId, at), (_, previous) => previous.At >= at ? previous : (customerId, at));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // Stopping: write what was collected.
        }
        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty) return;
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<Guid, (Guid CustomerId, DateTimeOffset At)>());
        var identityIds = batch.Keys.ToArray();
        var identityTimes = batch.Values.Select(v => v.At).ToArray();
        var customers = batch.Values.GroupBy(v => v.CustomerId).Select(g => (Id: g.Key, At: g.Max(v => v.At))).ToArray();
        var customerIds = customers.Select(c => c.Id).ToArray();
        var customerTimes = customers.Select(c => c.At).ToArray();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE customer_identities i SET "LastSeenAt" = s.at
                FROM unnest({identityIds}, {identityTimes}) AS s(id, at)
                WHERE i."Id" = s.id AND i."LastSeenAt" < s.at
                """, cancellationToken);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE customers c SET "LastSeenAt" = s.at
                FROM unnest({customerIds}, {customerTimes}) AS s(id, at)
                WHERE c."Id" = s.id AND c."LastSeenAt" < s.at
                """, cancellationToken);
        }
        catch (Exception ex)
        {
            // Put them back for the next round rather than lose them.
            foreach (var (id, seen) in batch) Seen(id, seen.CustomerId, seen.At);
            logger.LogWarning(ex, "Could not record {Count} last-seen times; retrying next round", batch.Count);
        }
    }
}
