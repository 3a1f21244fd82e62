using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Omni.Messaging.Hosting;

public static class DatabaseMigration
{
    /// <summary>
    /// Applies the context's migrations before the service listens. While the database cannot be reached it keeps
    /// trying and says so in the log: the service is not up (so it reports unhealthy) but it does not crash-loop.
    /// </summary>
    public static async Task MigrateDbContextAsync<TContext>(this WebApplication app) where TContext : DbContext
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Migrations");
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                await MigrateUnderLockAsync(db, stopping);
                logger.LogInformation("Database of {Context} is up to date", typeof(TContext).Name);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested && IsTransient(ex))
            {
                var delay = TimeSpan.FromSeconds(Math.Min(5, attempt));
                logger.LogWarning("Database of {Context} not reachable yet (attempt {Attempt}: {Reason}); waiting {Delay}",
                    typeof(TContext).Name, attempt, ex.GetBaseException().Message, delay);
                await Task.Delay(delay, stopping);
            }
        }
    }

    /// <summary>
    /// Several instances starting together would apply the same migration twice; a session-level advisory lock lets
    /// one migrate while the others wait, then find nothing left to do.
    /// </summary>
    private static async Task MigrateUnderLockAsync(DbContext db, CancellationToken cancellationToken)
    {
        const long lockKey = 0x6f6d6e692d6d6967; // "omni-mig"
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.InvalidCatalogName)
        {
            // The database does not exist yet (external servers): EF creates it; nobody else can be migrating it.
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException
        || ex.GetBaseException() is System.Net.Sockets.SocketException or Npgsql.NpgsqlException { IsTransient: true }
        || ex is InvalidOperationException { InnerException: Npgsql.NpgsqlException };
}
