using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Omni.Routing.Agents;
using Omni.Routing.Desk;
using Omni.Testing;

namespace Omni.Routing.Tests.Support;

/// <summary>
/// An agent's (or supervisor's) desk: a real SignalR client on routing's <c>/hubs/agent</c> (WebSockets to the test
/// server, the token in the query string as browsers send it) that records everything pushed to it, and an HTTP
/// client signed in as the same person.
/// </summary>
public sealed class AgentDesk : IAsyncDisposable
{
    private readonly ConcurrentQueue<OfferNotice> _offers = new();
    private readonly ConcurrentQueue<(Guid ConversationId, string Reason)> _withdrawn = new();
    private readonly ConcurrentQueue<AssignmentNotice> _assigned = new();
    private readonly ConcurrentQueue<MessageNotice> _messages = new();
    private readonly ConcurrentQueue<TransferNotice> _transfers = new();
    private readonly ConcurrentQueue<Guid> _resolved = new();
    private readonly ConcurrentQueue<AgentPresence> _presence = new();
    private readonly ConcurrentQueue<IReadOnlyList<QueueSnapshot>> _queues = new();
    private readonly bool _agent;

    private AgentDesk(Guid agentId, string name, string token, HttpClient http, HubConnection hub, bool agent)
    {
        _agent = agent;
        AgentId = agentId;
        Name = name;
        Token = token;
        Http = http;
        Hub = hub;
        hub.On<OfferNotice>(nameof(IAgentDesk.Offer), offer =>
        {
            _offers.Enqueue(offer);
            OnOffer?.Invoke(this, offer);
        });
        hub.On<Guid, string>(nameof(IAgentDesk.OfferWithdrawn), (id, reason) => _withdrawn.Enqueue((id, reason)));
        hub.On<AssignmentNotice>(nameof(IAgentDesk.Assigned), _assigned.Enqueue);
        hub.On<MessageNotice>(nameof(IAgentDesk.Message), _messages.Enqueue);
        hub.On<TransferNotice>(nameof(IAgentDesk.Transferred), _transfers.Enqueue);
        hub.On<Guid>(nameof(IAgentDesk.Resolved), _resolved.Enqueue);
        hub.On<AgentPresence>(nameof(IAgentDesk.Presence), _presence.Enqueue);
        hub.On<IReadOnlyList<QueueSnapshot>>(nameof(IAgentDesk.Queues), _queues.Enqueue);
    }

    public Guid AgentId { get; }

    public string Name { get; }

    public string Token { get; }

    /// <summary>Routing's HTTP API, signed in as this person.</summary>
    public HttpClient Http { get; }

    public HubConnection Hub { get; }

    /// <summary>Called on every offer as it arrives (on the hub's thread): a desk that accepts at once, say.</summary>
    public Action<AgentDesk, OfferNotice>? OnOffer { get; set; }

    public IReadOnlyCollection<OfferNotice> Offers => _offers;

    public IReadOnlyCollection<(Guid ConversationId, string Reason)> Withdrawn => _withdrawn;

    public IReadOnlyCollection<AssignmentNotice> Assignments => _assigned;

    public IReadOnlyCollection<MessageNotice> Messages => _messages;

    public IReadOnlyCollection<TransferNotice> Transfers => _transfers;

    public IReadOnlyCollection<Guid> Resolutions => _resolved;

    public IReadOnlyCollection<AgentPresence> PresenceChanges => _presence;

    public IReadOnlyCollection<IReadOnlyList<QueueSnapshot>> QueueSnapshots => _queues;

    /// <summary>Connects to the hub of <paramref name="server"/> as the holder of <paramref name="token"/>; an agent's desk says "offline" when closed.</summary>
    public static async Task<AgentDesk> OpenAsync(TestServer server, Guid agentId, string name, string token, bool agent = true)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AgentHub.Path), options =>
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
        var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var desk = new AgentDesk(agentId, name, token, http, hub, agent);
        await hub.StartAsync();
        return desk;
    }

    /// <summary>Says over HTTP that the agent is online (or another state), as the desk's presence switch does.</summary>
    public async Task SetPresenceAsync(string state)
    {
        var response = await Http.PutAsJsonAsync("/api/v1/presence", new { state });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The offer of <paramref name="conversationId"/>, once it has arrived.</summary>
    public Task<OfferNotice> OfferOfAsync(Guid conversationId) =>
        Eventually.Get(() => Task.FromResult(_offers.FirstOrDefault(o => o.ConversationId == conversationId)),
            $"{Name} to be offered conversation {conversationId}");

    /// <summary>The <paramref name="count"/>-th offer this desk received, once it has arrived.</summary>
    public Task<OfferNotice> NthOfferAsync(int count) =>
        Eventually.Get(() => Task.FromResult(_offers.Skip(count - 1).FirstOrDefault()), $"{Name} to receive offer #{count}");

    public Task<HttpResponseMessage> AcceptAsync(Guid conversationId) => Http.PostAsync($"/api/v1/conversations/{conversationId}/accept", null);

    public Task<HttpResponseMessage> DeclineAsync(Guid conversationId) => Http.PostAsync($"/api/v1/conversations/{conversationId}/decline", null);

    public Task<HttpResponseMessage> ReplyAsync(Guid conversationId, string text) =>
        Http.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });

    public Task<HttpResponseMessage> ResolveAsync(Guid conversationId) => Http.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null);

    public Task<HttpResponseMessage> TransferAsync(Guid conversationId, Guid? toAgentId = null, Guid? toQueueId = null, string? note = null) =>
        Http.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { toAgentId, toQueueId, note });

    public async ValueTask DisposeAsync()
    {
        // An agent who leaves goes offline, so no later test's conversation is offered to them.
        if (_agent)
        {
            try
            {
                await Http.PutAsJsonAsync("/api/v1/presence", new { state = PresenceStates.Offline });
            }
            catch (Exception ex) when (ex is HttpRequestException or ObjectDisposedException)
            {
                // The host is gone already.
            }
        }
        await Hub.DisposeAsync();
        Http.Dispose();
    }
}
