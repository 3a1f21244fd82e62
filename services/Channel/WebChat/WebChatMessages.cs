using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.WebChat;

/// <summary>A file shown in the chat; its bytes come from <c>GET /api/v1/webchat/attachments/{id}</c>.</summary>
public sealed record WebChatAttachment(Guid Id, string FileName, string ContentType, long Size);

/// <summary>
/// A message as the widget shows it: from the visitor or from the company (<c>from: "agent"</c>; <c>sender</c> says whether
/// an agent, the bot or Omni itself speaks). <c>actions</c> are quick replies the widget shows as buttons; pressing one
/// sends its text as the visitor's message.
/// </summary>
public sealed record WebChatMessage(
    Guid Id, string From, string Text, DateTimeOffset SentAt, string Status, string? ClientMessageId, IReadOnlyList<WebChatAttachment> Attachments,
    string? Sender, IReadOnlyList<string> Actions)
{
    public const string FromVisitor = "visitor";
    public const string FromAgent = "agent";

    public static WebChatMessage Of(Message message, IReadOnlyList<WebChatAttachment>? attachments = null) => new(
        message.Id,
        message.Direction == MessageDirection.Inbound ? FromVisitor : FromAgent,
        message.Text,
        message.ReceivedAt,
        message.Status.ToString().ToLowerInvariant(),
        message.Metadata.GetValueOrDefault(WebChatMetadata.ClientMessageId),
        attachments ?? message.Attachments.Select(a => new WebChatAttachment(a.Id, a.FileName, a.ContentType, a.Size)).ToList(),
        message.Sender,
        OutboundActions.Of(message.Metadata));
}

/// <summary>Hub events the widget listens to.</summary>
public static class WebChatEvents
{
    public const string Message = "message";
    public const string Typing = "typing";
}

/// <summary>What a web chat message keeps in its metadata.</summary>
public static class WebChatMetadata
{
    public const string Site = "site";
    public const string ClientMessageId = "clientMessageId";
}

/// <summary>
/// SignalR groups. A connection joins exactly one: its customer's on the site when identity named the customer at
/// connect, else its visitor's. A message to a customer goes to both of its groups, so it reaches every connection
/// once. With the Redis backplane, groups span every channel instance.
/// </summary>
public static class WebChatGroups
{
    public static string Customer(Guid accountId, Guid customerId) => $"web:{accountId:N}:customer:{customerId:N}";

    public static string Visitor(Guid accountId, string visitorId) => $"web:{accountId:N}:visitor:{visitorId}";

    public static string For(Visitor visitor, Guid? customerId) =>
        customerId is { } id ? Customer(visitor.AccountId, id) : Visitor(visitor.AccountId, visitor.Id);
}

/// <summary>
/// The conversation a reconnecting page shows: the site's web messages of the visitor's customer, in and out, plus the
/// visitor's messages not resolved to a customer yet; by sender address alone while the customer is not known.
/// </summary>
public sealed class WebChatHistory(ChannelDbContext db, IOptions<WebChatOptions> options)
{
    public async Task<IReadOnlyList<WebChatMessage>> ForAsync(Visitor visitor, Guid? customerId, CancellationToken cancellationToken)
    {
        var query = db.Messages.AsNoTracking().Where(m => m.Channel == AccountKinds.Web && m.AccountId == visitor.AccountId);
        query = customerId is { } customer
            // Indexed by customer; the unresolved rest (CustomerId IS NULL) is small: messages waiting for identity.
            ? query.Where(m => m.CustomerId == customer
                               || (m.CustomerId == null && m.SenderKind == VisitorToken.IdentityKind && m.SenderAddress == visitor.Id))
            : query.Where(m => m.SenderKind == VisitorToken.IdentityKind && m.SenderAddress == visitor.Id);

        var latest = await query
            .OrderByDescending(m => m.ReceivedAt).ThenByDescending(m => m.Id)
            .Take(options.Value.HistoryLimit)
            .Select(m => new
            {
                m.Id, m.Direction, m.Text, m.ReceivedAt, m.Status, m.Metadata, m.Sender,
                Attachments = m.Attachments.OrderBy(a => a.Id).Select(a => new WebChatAttachment(a.Id, a.FileName, a.ContentType, a.Size)).ToList(),
            })
            .ToListAsync(cancellationToken);

        return latest
            .Select(m => new WebChatMessage(
                m.Id,
                m.Direction == MessageDirection.Inbound ? WebChatMessage.FromVisitor : WebChatMessage.FromAgent,
                m.Text,
                m.ReceivedAt,
                m.Status.ToString().ToLowerInvariant(),
                m.Metadata.GetValueOrDefault(WebChatMetadata.ClientMessageId),
                m.Attachments,
                m.Sender,
                OutboundActions.Of(m.Metadata)))
            .Reverse()
            .ToList();
    }

    /// <summary>A message the visitor may see (theirs, or their customer's on this site), with its attachments' listing.</summary>
    public async Task<bool> MayReadAsync(Visitor visitor, Guid? customerId, Guid messageId, CancellationToken cancellationToken) =>
        await db.Messages.AsNoTracking().AnyAsync(m => m.Id == messageId && m.Channel == AccountKinds.Web && m.AccountId == visitor.AccountId
            && ((m.SenderKind == VisitorToken.IdentityKind && m.SenderAddress == visitor.Id) || (customerId != null && m.CustomerId == customerId)),
            cancellationToken);
}
