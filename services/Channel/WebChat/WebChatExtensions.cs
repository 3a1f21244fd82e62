using Microsoft.AspNetCore.Authentication;
using Omni.Channel.Outbound;
using StackExchange.Redis;

namespace Omni.Channel.WebChat;

public static class WebChatExtensions
{
    /// <summary>Web chat: the customer hub on the Redis backplane (<c>session-cache</c>), visitor sign-in, sessions, attachments and the "web" transport.</summary>
    public static IHostApplicationBuilder AddWebChat(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebChatOptions>().BindConfiguration("Channel:WebChat");
        services.AddMemoryCache();
        services.AddSingleton<WebChatSites>();
        services.AddScoped<VisitorCustomers>();
        services.AddScoped<WebChatHistory>();
        services.AddSingleton<IOutboundTransport, WebTransport>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, VisitorAuthentication>(VisitorAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(VisitorAuthentication.Policy, policy =>
            policy.AddAuthenticationSchemes(VisitorAuthentication.SchemeName).RequireAuthenticatedUser());

        // The Redis backplane (session-cache): a message to a visitor reaches their page whichever channel instance
        // holds the connection. It keeps a connection of its own, which it closes itself on shutdown.
        var redis = builder.Configuration.GetConnectionString("session-cache")
            ?? throw new InvalidOperationException("Web chat needs the Redis connection string 'session-cache' (the AppHost provides it).");
        services.AddSignalR(hub => hub.MaximumReceiveMessageSize = 64 * 1024)
            .AddStackExchangeRedis(redis, backplane => backplane.Configuration.ChannelPrefix = RedisChannel.Literal("omni-chat"));
        return builder;
    }
}
