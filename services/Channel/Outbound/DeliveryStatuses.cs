using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Contracts.Channel;
using Omni.Messaging.Outbox;

namespace Omni.Channel.Outbound;

/// <summary>
/// Applies a provider's report on an outbound message (Twilio's and WhatsApp's status callbacks, …). States only move
/// forward (sent → delivered → read; failed is final), so callbacks that arrive late or twice change nothing.
/// </summary>
public sealed class DeliveryStatuses(ChannelDbContext db, TimeProvider clock)
{
    private static int Rank(MessageStatus status) => status switch
    {
        MessageStatus.Queued => 0,
        MessageStatus.Sent => 1,
        MessageStatus.Delivered => 2,
        MessageStatus.Read => 3,
        MessageStatus.Failed => 4,
        _ => -1,
    };

    /// <summary>Returns false when no outbound message of that channel carries the provider's id.</summary>
    public async Task<bool> ReportAsync(string channel, string providerMessageId, MessageStatus status, string? reason, CancellationToken cancellationToken)
    {
        // Two reports on one message at once (delivered and read, say) must not let the older win: lock the row.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var message = (await db.Messages
            .FromSqlInterpolated($"SELECT * FROM messages WHERE \"Channel\" = {channel} AND \"ExternalId\" = {providerMessageId} AND \"Direction\" = 'Outbound' FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();
        if (message is null) return false;
        if (Rank(status) <= Rank(message.Status))
        {
            await transaction.CommitAsync(cancellationToken);
            return true;
        }

        message.Status = status;
        var now = clock.GetUtcNow();
        if (status == MessageStatus.Failed)
        {
            message.StatusReason = reason is { Length: > 500 } ? reason[..500] : reason ?? "The provider reported the message failed";
            db.Enqueue(new DeliveryFailed(message.Id, message.CustomerId!.Value, message.ConversationId, channel, message.StatusReason, 0, now), clock);
        }
        else
        {
            db.Enqueue(new MessageDelivered(message.Id, message.CustomerId!.Value, message.ConversationId, channel,
                status.ToString().ToLowerInvariant(), now), clock);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
