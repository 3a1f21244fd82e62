using Microsoft.AspNetCore.SignalR;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.WebChat;

/// <summary>
/// Delivers outbound web chat messages to the visitor's open pages as <c>message</c> events (through the Redis
/// backplane, whichever instance holds the connection). Accepted once handed to the groups: a visitor with no page open
/// sees the message in the history when they come back.
/// </summary>
public sealed class WebTransport(IHubContext<ChatHub> hub) : IOutboundTransport
{
    public string Channel => AccountKinds.Web;

    public Task<string?> RefuseAsync(Message draft, ChannelAccount account, CancellationToken cancellationToken) =>
        Task.FromResult(draft.SenderKind == VisitorToken.IdentityKind ? null : "The customer has no web chat visitor to write to.");

    public async Task<TransportResult> SendAsync(Message message, ChannelAccount account, CancellationToken cancellationToken)
    {
        var groups = new List<string> { WebChatGroups.Visitor(account.Id, message.SenderAddress) };
        if (message.CustomerId is { } customerId) groups.Add(WebChatGroups.Customer(account.Id, customerId));
        await hub.Clients.Groups(groups).SendAsync(WebChatEvents.Message, WebChatMessage.Of(message), cancellationToken);
        return new TransportResult.Accepted(null, MessageStatus.Sent);
    }
}
