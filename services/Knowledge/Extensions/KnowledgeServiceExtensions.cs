using Omni.Channel.Grpc;
using Omni.Identity.Grpc;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Bot;
using Omni.Knowledge.Data;
using Omni.Knowledge.Feedback;
using Omni.Knowledge.Import;
using Omni.Knowledge.Search;
using Omni.Knowledge.Suggestions;
using Omni.Messaging;
using MassTransit;
using Omni.Messaging.Hosting;

namespace Omni.Knowledge.Extensions;

public static class KnowledgeServiceExtensions
{
    /// <summary>Knowledge's database, messaging, agent tokens, gRPC clients and servers, search and APIs.</summary>
    public static IHostApplicationBuilder AddKnowledgeServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<KnowledgeDbContext>("knowledge-db");
        builder.AddOmniMessaging<KnowledgeDbContext>("knowledge", bus =>
        {
            bus.AddConsumer<MessageAttachedConsumer, MessageAttachedConsumerDefinition>();
            bus.AddConsumer<CustomerPrivacyConsumer, CustomerPrivacyConsumerDefinition>();
            bus.AddConsumer<BotConsumer, BotConsumerDefinition>();
        });

        // Knowledge validates agents' tokens itself: the gateway lets anonymous readers through, and what they see
        // (published articles only) depends on who they are.
        builder.AddOmniAuthentication();

        builder.Services.AddSingleton<ArticleMarkdown>();
        builder.Services.AddScoped<ArticleEditor>();
        builder.Services.AddScoped<HelpCentreImport>();
        builder.Services.AddScoped<ArticleSearch>();
        builder.Services.AddSingleton<CorpusStatistics>();
        builder.Services.AddSingleton<SearchGapRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SearchGapRecorder>());
        builder.Services.AddScoped<ArticleFeedback>();
        builder.Services.AddScoped<ConversationSuggestions>();
        builder.Services.AddOptions<SuggestionOptions>().BindConfiguration("Knowledge:Suggestions");

        // The bot reads and adds to the customer's session context (facts already known are never asked again).
        builder.AddRedisClient("session-cache");
        builder.Services.AddSingleton<SessionFacts>();
        builder.Services.AddOptions<BotOptions>().BindConfiguration("Knowledge:Bot");

        // Suggestions read the customer's messages from the channel and their preferred language from identity.
        builder.Services.AddGrpcClient<ChannelApi.ChannelApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:ChannelGrpc"] ?? "http://_grpc.channel"));
        builder.Services.AddGrpcClient<IdentityApi.IdentityApiClient>(client =>
            client.Address = new Uri(builder.Configuration["Omni:IdentityGrpc"] ?? "http://_grpc.identity"));

        builder.Services.AddGrpc();
        // gRPC health mirrors /health: database, broker and the rest of the registered checks.
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddOpenApi();
        return builder;
    }
}
