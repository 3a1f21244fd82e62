using Omni.Identity.Agents;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Messaging;
using Omni.Messaging.Hosting;
using Omni.Identity.Partners;

namespace Omni.Identity.Extensions;

public static class IdentityServiceExtensions
{
    /// <summary>Identity's database, messaging, gRPC and API services.</summary>
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IdentityDbContext>("identity-db");
        builder.AddOmniMessaging<IdentityDbContext>("identity");

        builder.Services.AddOptions<IdentityOptions>().BindConfiguration("Identity");
        builder.Services.AddSingleton<AddressNormalizer>();
        builder.Services.AddScoped<CustomerResolver>();
        builder.Services.AddSingleton<LastSeenRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LastSeenRecorder>());
        builder.Services.AddScoped<Omni.Identity.Merging.MergeService>();
        builder.Services.AddScoped<Omni.Identity.Verification.VerificationCodes>();
        builder.Services.AddScoped<Omni.Identity.Verification.WebsiteVerification>();
        builder.Services.AddOptions<Omni.Identity.Verification.VerificationOptions>().BindConfiguration("Identity:Verification");

        // Agents sign in here; the agents, partner-key and customer APIs take the tokens it signs.
        builder.AddOmniAuthentication();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<Agent>, Microsoft.AspNetCore.Identity.PasswordHasher<Agent>>();
        builder.Services.AddSingleton<AgentTokens>();
        builder.Services.AddScoped<PartnerKeyChecker>();

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
