using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// The demo that <c>./omni up</c> sets up: a chat widget for site <c>demo</c> (with the secret the site vouches for its
/// logged-in users with), a Twilio number for texts and calls, a WhatsApp business number and a support mailbox.
/// Their credentials are generated on first run into <c>.omni/secrets/demo-*</c>, kept across restarts, and handed to
/// the services, which add the accounts when they are missing. Only in run mode and with <c>Omni:Demo</c> on (the
/// default); tests start the AppHost with it off unless they ask for the demo.
/// </summary>
public static class DemoAccounts
{
    public const string Site = "demo";
    public const string TwilioNumber = "+3197010000001";
    public const string WhatsAppPhoneNumberId = "100000000000001";
    public const string Mailbox = "support@omni.local";

    public const string WebsiteSecretFile = "demo-website-secret";
    public const string TwilioAccountSidFile = "demo-twilio-account-sid";
    public const string TwilioAuthTokenFile = "demo-twilio-auth-token";
    public const string WhatsAppAppSecretFile = "demo-whatsapp-app-secret";
    public const string WhatsAppVerifyTokenFile = "demo-whatsapp-verify-token";
    public const string WhatsAppAccessTokenFile = "demo-whatsapp-access-token";

    /// <summary>Whether this run sets up the demo: run mode, and <c>Omni:Demo</c> not turned off.</summary>
    public static bool Enabled(IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue("Omni:Demo", true);

    /// <summary>Gives identity the demo site's secret (<c>Identity__Demo__*</c>), so the demo widget can vouch for logged-in users.</summary>
    public static IResourceBuilder<ProjectResource> WithDemoWebsite(this IResourceBuilder<ProjectResource> identity)
    {
        var builder = identity.ApplicationBuilder;
        if (!Enabled(builder)) return identity;
        var secrets = SecretFolder.For(builder);
        var websiteSecret = builder.AddParameter("demo-website-secret", () => secrets.Get(WebsiteSecretFile, () => Hex(32)), secret: true);
        return identity
            .WithEnvironment("Identity__Demo__Site", Site)
            .WithEnvironment("Identity__Demo__WebsiteSecret", websiteSecret);
    }

    /// <summary>Gives channel the demo accounts and their credentials (<c>Channel__Demo__*</c>); channel adds those that are missing.</summary>
    public static IResourceBuilder<ProjectResource> WithDemoChannelAccounts(this IResourceBuilder<ProjectResource> channel)
    {
        var builder = channel.ApplicationBuilder;
        if (!Enabled(builder)) return channel;
        var secrets = SecretFolder.For(builder);
        // Read (or made) when channel starts, not when the model is built: publishing a manifest makes no files.
        IResourceBuilder<ParameterResource> Secret(string file, Func<string> generate) =>
            builder.AddParameter(file, () => secrets.Get(file, generate), secret: true);

        return channel
            .WithEnvironment("Channel__Demo__Enabled", "true")
            .WithEnvironment("Channel__Demo__Site", Site)
            .WithEnvironment("Channel__Demo__Twilio__Number", TwilioNumber)
            .WithEnvironment("Channel__Demo__Twilio__AccountSid", Secret(TwilioAccountSidFile, () => "AC" + Hex(16)))
            .WithEnvironment("Channel__Demo__Twilio__AuthToken", Secret(TwilioAuthTokenFile, () => Hex(16)))
            .WithEnvironment("Channel__Demo__WhatsApp__PhoneNumberId", WhatsAppPhoneNumberId)
            .WithEnvironment("Channel__Demo__WhatsApp__AppSecret", Secret(WhatsAppAppSecretFile, () => Hex(16)))
            .WithEnvironment("Channel__Demo__WhatsApp__VerifyToken", Secret(WhatsAppVerifyTokenFile, () => Hex(16)))
            .WithEnvironment("Channel__Demo__WhatsApp__AccessToken", Secret(WhatsAppAccessTokenFile, () => Hex(32)))
            .WithEnvironment("Channel__Demo__Mailbox", Mailbox);
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
