namespace Omni.Channel.Accounts;

/// <summary>The kinds of channel accounts and the channel name their messages carry.</summary>
public static class AccountKinds
{
    public const string Sms = "sms";
    public const string Voice = "voice";
    public const string WhatsApp = "whatsapp";
    public const string Email = "email";
    public const string Web = "web";
    public const string Partner = "partner";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Sms, Voice, WhatsApp, Email, Web, Partner };
}

/// <summary>
/// One way a customer can reach the company on a channel: a Twilio number, a WhatsApp business number, a support
/// mailbox, a website's chat widget, a partner's app. <see cref="Address"/> is how providers name it (the number, the
/// phone-number id, the mailbox, the site key, the partner). Secrets (tokens, app secrets) are stored here and never
/// returned by any API.
/// </summary>
public sealed class ChannelAccount
{
    public Guid Id { get; init; }

    public required string Kind { get; init; }

    public required string Name { get; set; }

    /// <summary>Unique per kind; normalised by kind (E.164 numbers, lower-case mailboxes).</summary>
    public required string Address { get; set; }

    /// <summary>Non-secret settings (Twilio account SID, API base address, default language, …).</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>Secrets (auth token, app secret, verify token, widget secret, webhook secret). Write-only through the API.</summary>
    public Dictionary<string, string> Secrets { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }

    public string? Setting(string key) => Settings.GetValueOrDefault(key);

    public string? Secret(string key) => Secrets.GetValueOrDefault(key);
}
