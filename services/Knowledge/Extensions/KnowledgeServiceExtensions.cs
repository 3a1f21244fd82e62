using Omni.Knowledge.Data;
using Omni.Messaging;
using Omni.Messaging.Hosting;

namespace Omni.Knowledge.Extensions;

public static class KnowledgeServiceExtensions
{
    /// <summary>Knowledge's database, messaging and APIs.</summary>
    public static IHostApplicationBuilder AddKnowledgeServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<KnowledgeDbContext>("knowledge-db");
        builder.AddOmniMessaging<KnowledgeDbContext>("knowledge");

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
