using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;

namespace Omni.Channel.WebChat;

/// <summary>
/// The customer's side of web chat (<c>/hubs/chat?site=…</c>, the visitor token as <c>access_token</c>). Messages go
/// through the one inbound path (<see cref="InboundMessages"/>), so they are stored, deduplicated and resolved like
/// every provider's; replies arrive as <c>message</c> events (<see cref="WebTransport"/>).
/// </summary>
[Authorize(Policy = VisitorAuthentication.Policy)]
public sealed class ChatHub(InboundMessages inbound, WebChatHistory history, VisitorCustomers customers) : Hub
{
    public const string Path = "/hubs/chat";

    private const string CustomerItem = "customer";
    private const int MaxClientMessageIdLength = 100;

    private Visitor Visitor => Visitor.From(Context.User);

    private Guid? CustomerId => Context.Items.TryGetValue(CustomerItem, out var value) ? value as Guid? : null;

    private string Group => WebChatGroups.For(Visitor, CustomerId);

    public override async Task OnConnectedAsync()
    {
        // Who the visitor is now (after a login merge, the verified customer); unknown while identity is away.
        var customerId = await customers.ResolveAsync(Visitor.Id, Context.ConnectionAborted);
        Context.Items[CustomerItem] = customerId;
        await Groups.AddToGroupAsync(Context.ConnectionId, Group, Context.ConnectionAborted);
    }

    /// <summary>
    /// Sends the visitor's message. <paramref name="clientMessageId"/> is the widget's id for it: sending it again (after a
    /// reconnect) answers the message stored the first time instead of storing another.
    /// </summary>
    public async Task<WebChatMessage> Send(string? text, string? clientMessageId)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new HubException("text: required and not blank.");
        if (text.Length > MessagesApi.MaxTextLength) throw new HubException($"text: at most {MessagesApi.MaxTextLength} characters.");
        if (string.IsNullOrWhiteSpace(clientMessageId) || clientMessageId.Length > MaxClientMessageIdLength || clientMessageId.Any(char.IsControl))
        {
            throw new HubException($"clientMessageId: required, at most {MaxClientMessageIdLength} characters.");
        }

        var visitor = Visitor;
        var (message, created) = await inbound.AcceptAsync(ToInbound(visitor, text, clientMessageId.Trim(), null), Context.ConnectionAborted);
        var shown = WebChatMessage.Of(message);
        if (created)
        {
            // The visitor's other tabs show it too.
            await Clients.GroupExcept(Group, Context.ConnectionId).SendAsync(WebChatEvents.Message, shown);
        }
        return shown;
    }

    /// <summary>
    /// The visitor is typing: their other tabs show it. It does not reach agents: the agents' desk (routing's hub) has no
    /// feed of it yet, and nothing is stored.
    /// </summary>
    public Task Typing() =>
        Clients.GroupExcept(Group, Context.ConnectionId).SendAsync(WebChatEvents.Typing, new { from = WebChatMessage.FromVisitor });

    /// <summary>The conversation so far, oldest first, for a page that (re)connects.</summary>
    public Task<IReadOnlyList<WebChatMessage>> History() => history.ForAsync(Visitor, CustomerId, Context.ConnectionAborted);

    /// <summary>The one shape of a web chat message on its way into the transcript (from the hub or an upload).</summary>
    internal static InboundMessage ToInbound(Visitor visitor, string text, string clientMessageId, IReadOnlyList<InboundAttachment>? attachments) =>
        // The external id is scoped to the visitor: one visitor's ids can never find another's message.
        new(AccountKinds.Web, VisitorToken.IdentityKind, visitor.Id, text, $"{visitor.Id}:{clientMessageId}")
        {
            AccountId = visitor.AccountId,
            Metadata = new Dictionary<string, string>
            {
                [WebChatMetadata.Site] = visitor.Site,
                [WebChatMetadata.ClientMessageId] = clientMessageId,
            },
            Attachments = attachments,
        };
}
