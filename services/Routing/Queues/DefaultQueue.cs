using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Routing.Data;

namespace Omni.Routing.Queues;

public static class DefaultQueue
{
    /// <summary>Creates the default queue ("General", any agent, always open) when no queue exists: every conversation has somewhere to wait.</summary>
    public static async Task EnsureDefaultQueueAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        if (await db.Queues.AnyAsync()) return;
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        db.Queues.Add(new Queue
        {
            Id = Guid.CreateVersion7(now),
            Name = "General",
            Description = "Everything no other queue takes.",
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance starting at the same moment created it.
        }
    }
}
