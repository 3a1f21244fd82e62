using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Omni.Channel.WebChat;
using Omni.Identity.Data;
using Omni.Identity.Verification;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.WebChat;

public sealed record Session(string VisitorToken, Guid? CustomerId, bool Verified);

/// <summary>What a website and its visitors do, in the words of the tests: a web account, sessions, hub connections.</summary>
public static class WebChatSetup
{
    /// <summary>A web chat account with a site key nobody else uses.</summary>
    public static async Task<string> NewSiteAsync(this ChannelServiceFixture fixture)
    {
        var site = "site-" + Guid.NewGuid().ToString("N")[..12];
        using var http = fixture.Channel.CreateClient();
        var response = await http.PostAsJsonAsync("/api/v1/channel-accounts", new { kind = "web", name = "Test shop", address = site });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return site;
    }

    /// <summary>The site's verification secret, as an admin registers it in identity (POST /api/v1/websites).</summary>
    public static async Task<string> NewWebsiteSecretAsync(this ChannelServiceFixture fixture, string site)
    {
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var scope = fixture.Identity.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        db.WebsiteSecrets.Add(new WebsiteSecret { Id = Guid.CreateVersion7(), Site = site, Secret = secret, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return secret;
    }

    public static async Task<HttpResponseMessage> PostSessionAsync(this HttpClient http, object body) =>
        await http.PostAsJsonAsync("/api/v1/webchat/sessions", body);

    public static async Task<Session> StartSessionAsync(this HttpClient http, string site, string? visitorToken = null, object? user = null)
    {
        var response = await http.PostSessionAsync(new { site, visitorToken, user });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Session>())!;
    }

    /// <summary>
    /// A page's hub connection, over WebSockets to the in-process server, with the token in the query string as
    /// SignalR's browser client sends it.
    /// </summary>
    public static async Task<ChatPage> OpenChatAsync(this ChannelServiceFixture fixture, string site, string token)
    {
        var server = fixture.Channel.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, $"/hubs/chat?site={Uri.EscapeDataString(site)}"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var uri = new UriBuilder(context.Uri) { Query = context.Uri.Query.TrimStart('?') + "&access_token=" + Uri.EscapeDataString(token) }.Uri;
                    return await server.CreateWebSocketClient().ConnectAsync(uri, cancellationToken);
                };
            })
            .Build();
        var page = new ChatPage(connection);
        await connection.StartAsync();
        // As the widget does after connecting. The server handles it after OnConnectedAsync (the handshake answers
        // before that), so once it returns the page is in its group and gets every event from then on.
        await page.HistoryAsync();
        return page;
    }
}

/// <summary>One open chat page: its connection and what the server pushed to it.</summary>
public sealed class ChatPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<WebChatMessage> _pushed = new();
    private int _typing;

    public ChatPage(HubConnection connection)
    {
        Connection = connection;
        connection.On<WebChatMessage>(WebChatEvents.Message, _pushed.Enqueue);
        connection.On<TypingNotice>(WebChatEvents.Typing, notice =>
        {
            _typists.Enqueue(notice.From);
            Interlocked.Increment(ref _typing);
        });
    }

    public HubConnection Connection { get; }

    public IReadOnlyCollection<WebChatMessage> Pushed => _pushed;

    public int TypingNotices => Volatile.Read(ref _typing);

    /// <summary>Who each typing notice said was typing ("visitor", "agent"), in order.</summary>
    public IReadOnlyCollection<string> Typists => _typists;

    private readonly ConcurrentQueue<string> _typists = new();

    private sealed record TypingNotice(string From);

    public Task<WebChatMessage> SendAsync(string text, string? clientMessageId = null) =>
        Connection.InvokeAsync<WebChatMessage>("Send", text, clientMessageId ?? Guid.NewGuid().ToString());

    public Task<WebChatMessage[]> HistoryAsync() => Connection.InvokeAsync<WebChatMessage[]>("History");

    public Task<WebChatMessage> PushedMessageAsync(Func<WebChatMessage, bool> match, string what) =>
        Eventually.Get(() => Task.FromResult(_pushed.FirstOrDefault(match)), what);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
