using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Identity.Data;
using Omni.Messaging.Outbox;

namespace Omni.Identity.Agents;

/// <summary>The first admin, from <c>Identity:BootstrapAdmin:Email</c> and <c>:Password</c> (the AppHost generates the password).</summary>
public sealed class BootstrapAdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}

public static class BootstrapAdmin
{
    // Any constant will do; it names the lock that instances starting together queue on.
    private const long LockKey = 0x6f6d6e6961646d;

    /// <summary>
    /// Creates the configured admin when no agent exists yet, so a new installation can sign in at all. Run after
    /// migrations, before the service takes traffic. Instances starting together take turns (an advisory lock), so
    /// exactly one creates it; once any agent exists this does nothing, so a changed password here changes nothing.
    /// </summary>
    public static async Task EnsureBootstrapAdminAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Identity:BootstrapAdmin").Get<BootstrapAdminOptions>();
        if (string.IsNullOrWhiteSpace(options?.Email) || string.IsNullOrEmpty(options.Password)) return;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Identity.BootstrapAdmin");
        if (options.Password.Length < AgentsApi.MinPasswordLength)
        {
            throw new InvalidOperationException($"Identity:BootstrapAdmin:Password must have at least {AgentsApi.MinPasswordLength} characters.");
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<Agent>>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var stopping = app.Lifetime.ApplicationStopping;

        await using var transaction = await db.Database.BeginTransactionAsync(stopping);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", stopping);
        if (await db.Agents.AnyAsync(stopping)) return;

        var now = clock.GetUtcNow();
        var admin = new Agent
        {
            Id = Guid.CreateVersion7(),
            Name = "Administrator",
            Email = AgentEmail.Normalize(options.Email),
            PasswordHash = "",
            Roles = [AgentRoles.Admin],
            CreatedAt = now,
        };
        admin.PasswordHash = hasher.HashPassword(admin, options.Password);
        db.Agents.Add(admin);
        db.Enqueue(AgentsApi.Changed(admin, now), clock);
        try
        {
            await db.SaveChangesAsync(stopping);
            await transaction.CommitAsync(stopping);
            logger.LogInformation("Created the bootstrap admin {AgentId}", admin.Id);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Only reachable if another writer ignored the lock; the admin exists either way.
        }
    }
}
