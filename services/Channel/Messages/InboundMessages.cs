using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Channel.Data;

namespace Omni.Channel.Messages;

/// <summary>A message as a channel adapter hands it over, already checked for shape.</summary>
public sealed record InboundMessage(string Channel, string SenderKind, string SenderAddress, string Text, string? ExternalId);

/// <summary>Wakes the <see cref="InboundProcessor"/> when a message has been stored.</summary>
public sealed class InboundSignal : Omni.Messaging.WorkSignal;

/// <summary>
/// The one way into the transcript for every channel: store the message and its pending work in one transaction and
/// return at once. Identity is not called here, so a slow or absent identity never fails a provider's call.
/// </summary>
public sealed class InboundMessages(ChannelDbContext db, InboundSignal signal, TimeProvider clock)
{
    /// <summary>Stores the message, or finds the one stored before under the same external id. Returns it and whether it is new.</summary>
    public async Task<(Message Message, bool Created)> AcceptAsync(InboundMessage inbound, CancellationToken cancellationToken)
    {
        if (inbound.ExternalId is not null && await FindAsync(inbound, cancellationToken) is { } earlier)
        {
            return (earlier, false);
        }

        var now = clock.GetUtcNow();
        var activity = Activity.Current;
        var message = new Message
        {
            Id = Guid.CreateVersion7(),
            Direction = MessageDirection.Inbound,
            Channel = inbound.Channel,
            ExternalId = inbound.ExternalId,
            SenderKind = inbound.SenderKind,
            SenderAddress = inbound.SenderAddress,
            Text = inbound.Text,
            ReceivedAt = now,
            Status = MessageStatus.Pending,
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
        };
        db.Messages.Add(message);
        db.InboundWork.Add(new InboundWork { MessageId = message.Id, NextAttemptAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same delivery raced us and won; answer with what it stored.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(inbound, cancellationToken) ?? throw new InvalidOperationException("Duplicate without an original", ex);
            return (winner, false);
        }

        signal.Notify();
        return (message, true);
    }

    private Task<Message?> FindAsync(InboundMessage inbound, CancellationToken cancellationToken) =>
        db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Channel == inbound.Channel && m.ExternalId == inbound.ExternalId, cancellationToken);
}
