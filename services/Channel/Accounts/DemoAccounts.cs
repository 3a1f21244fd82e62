using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Channel.Data;

namespace Omni.Channel.Accounts;

/// <summary>The demo's accounts (<c>Channel:Demo</c>), which the AppHost passes in under <c>./omni up</c>.</summary>
public sealed class DemoAccountsOptions
{
    public bool Enabled { get; set; }

    /// <summary>The web chat widget's site key.</summary>
    public string? Site { get; set; }

    public DemoTwilio Twilio { get; set; } = new();

    public DemoWhatsApp WhatsApp { get; set; } = new();

    /// <summary>The support mailbox.</summary>
    public string? Mailbox { get; set; }

    public sealed class DemoTwilio
    {
        /// <summary>One number that takes texts and calls: an <c>sms</c> and a <c>voice</c> account.</summary>
        public string? Number { get; set; }

        public string? AccountSid { get; set; }

        public string? AuthToken { get; set; }
    }

    public sealed class DemoWhatsApp
    {
        public string? PhoneNumberId { get; set; }

        public string? AppSecret { get; set; }

        public string? VerifyToken { get; set; }

        public string? AccessToken { get; set; }
    }
}

public static class DemoAccounts
{
    /// <summary>
    /// Adds the demo's channel accounts that do not exist yet, when <c>Channel:Demo:Enabled</c> says so (the AppHost sets it
    /// under <c>./omni up</c>; tests and deployments never do). Accounts that exist are left as they are, so an admin's
    /// changes (real credentials, a disabled account) survive a restart. Run after migrations, before traffic.
    /// </summary>
    public static async Task SeedDemoAccountsAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection("Channel:Demo").Get<DemoAccountsOptions>();
        if (options is not { Enabled: true }) return;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Channel.DemoAccounts");

        var wanted = new List<ChannelAccount>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        void Add(string kind, string name, string? address, Dictionary<string, string>? settings = null, Dictionary<string, string?>? secrets = null)
        {
            var normalized = AccountAddress.Normalize(kind, address, out var error);
            if (normalized is null)
            {
                if (!string.IsNullOrWhiteSpace(address)) logger.LogWarning("Demo {Kind} account not added: {Error}", kind, error);
                return;
            }
            if (secrets?.Values.Any(string.IsNullOrEmpty) == true)
            {
                logger.LogWarning("Demo {Kind} account not added: a credential is missing", kind);
                return;
            }
            wanted.Add(new ChannelAccount
            {
                Id = Guid.CreateVersion7(), Kind = kind, Name = name, Address = normalized, CreatedAt = now, UpdatedAt = now,
                Settings = settings ?? [],
                Secrets = secrets?.ToDictionary(p => p.Key, p => p.Value!) ?? [],
            });
        }

        Add(AccountKinds.Web, "Demo shop (web chat)", options.Site);
        foreach (var kind in new[] { AccountKinds.Sms, AccountKinds.Voice })
        {
            Add(kind, $"Demo Twilio number ({kind})", options.Twilio.Number,
                new() { ["accountSid"] = options.Twilio.AccountSid ?? "" },
                new() { ["authToken"] = options.Twilio.AuthToken });
        }
        Add(AccountKinds.WhatsApp, "Demo WhatsApp number", options.WhatsApp.PhoneNumberId, null, new()
        {
            ["appSecret"] = options.WhatsApp.AppSecret,
            ["verifyToken"] = options.WhatsApp.VerifyToken,
            ["accessToken"] = options.WhatsApp.AccessToken,
        });
        Add(AccountKinds.Email, "Omni demo support", options.Mailbox);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        foreach (var account in wanted)
        {
            if (await db.Accounts.AnyAsync(a => a.Kind == account.Kind && a.Address == account.Address, app.Lifetime.ApplicationStopping)) continue;
            db.Accounts.Add(account);
            try
            {
                await db.SaveChangesAsync(app.Lifetime.ApplicationStopping);
                logger.LogInformation("Added the demo {Kind} account {AccountId}", account.Kind, account.Id);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another instance starting at the same moment added it.
                db.ChangeTracker.Clear();
            }
        }
    }
}
