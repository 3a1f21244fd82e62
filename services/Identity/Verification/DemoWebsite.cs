using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Identity.Data;

namespace Omni.Identity.Verification;

public static class DemoWebsite
{
    /// <summary>
    /// Registers the demo's website (<c>Identity:Demo:Site</c>) with its secret (<c>Identity:Demo:WebsiteSecret</c>) when it
    /// is not registered yet, so the demo widget can vouch for logged-in users. The AppHost sets both under
    /// <c>./omni up</c>; tests and deployments do not. A registered site is left as it is (an admin may have rotated it).
    /// </summary>
    public static async Task EnsureDemoWebsiteAsync(this WebApplication app)
    {
        var site = app.Configuration["Identity:Demo:Site"]?.Trim().ToLowerInvariant();
        var secret = app.Configuration["Identity:Demo:WebsiteSecret"];
        if (string.IsNullOrEmpty(site) || string.IsNullOrEmpty(secret)) return;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var stopping = app.Lifetime.ApplicationStopping;
        if (await db.WebsiteSecrets.AnyAsync(w => w.Site == site, stopping)) return;
        db.WebsiteSecrets.Add(new WebsiteSecret
        {
            Id = Guid.CreateVersion7(), Site = site, Secret = secret,
            CreatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(stopping);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance starting at the same moment registered it.
        }
    }
}
