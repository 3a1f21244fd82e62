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
                await db.Database.MigrateAsync(stopping);
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

    private static bool IsTransient(Exception ex) =>
        ex is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException
        || ex.GetBaseException() is System.Net.Sockets.SocketException or Npgsql.NpgsqlException { IsTransient: true }
        || ex is InvalidOperationException { InnerException: Npgsql.NpgsqlException };
}
