using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Messaging;
using Omni.Messaging.Hosting;

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
        builder.Services.AddScoped<Omni.Identity.Verification.VerificationCodes>();
        builder.Services.AddOptions<Omni.Identity.Verification.VerificationOptions>().BindConfiguration("Identity:Verification");

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
