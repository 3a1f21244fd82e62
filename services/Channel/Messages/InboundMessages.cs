using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Channel.Data;

namespace Omni.Channel.Messages;

/// <summary>A message as a channel adapter hands it over, already checked for shape (and signature).</summary>
public sealed record InboundMessage(string Channel, string SenderKind, string SenderAddress, string Text, string? ExternalId)
{
    /// <summary>The channel account it arrived on, when the channel has accounts.</summary>
    public Guid? AccountId { get; init; }

    /// <summary>Provider details worth keeping (subject, thread ids, location, button id, call facts).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public IReadOnlyList<InboundAttachment>? Attachments { get; init; }

    /// <summary>The provider's delivery as it came, kept with the message (<see cref="RawPayload"/>).</summary>
    public InboundRaw? Raw { get; init; }
}

/// <summary>A provider's delivery as it came: its media type and bytes.</summary>
public sealed record InboundRaw(string ContentType, byte[] Content);

/// <summary>Metadata keys any channel may set on an inbound message.</summary>
public static class InboundMetadata
{
    /// <summary>
    /// Set, with what it is, on what no customer typed (an out-of-office, a WhatsApp system notice): kept and resolved to
    /// the customer like any message, but not announced, so no conversation is opened and the bot does not answer it.
    /// </summary>
    public const string Automatic = "automatic";
}

/// <summary>A file that came with an inbound message: its bytes, or the provider's reference to fetch them.</summary>
public sealed record InboundAttachment(string FileName, string ContentType, long Size, byte[]? Content, string? ProviderReference);

/// <summary>Wakes the <see cref="InboundProcessor"/> when a message has been stored.</summary>
public sealed class InboundSignal : Omni.Messaging.WorkSignal;

/// <summary>Wakes the <see cref="Media.MediaFetcher"/> when a message with files still at the provider has been stored.</summary>
public sealed class MediaSignal : Omni.Messaging.WorkSignal;

/// <summary>
/// The one way into the transcript for every channel: store the message and its pending work in one transaction and
/// return at once. Identity is not called here, so a slow or absent identity never fails a provider's call.
/// </summary>
public sealed class InboundMessages(ChannelDbContext db, InboundSignal signal, MediaSignal media, TimeProvider clock)
{
    /// <summary>Stores the message, or finds the one stored before under the same external id. Returns it and whether it is new.</summary>
    public async Task<(Message Message, bool Created)> AcceptAsync(InboundMessage inbound, CancellationToken cancellationToken)
    {
        if (inbound.ExternalId is not null && await FindAsync(inbound, cancellationToken) is { } earlier)
        {
            return (earlier, false);
        }

        // PostgreSQL keeps microseconds: answer with the time exactly as it is stored.
        var now = clock.GetUtcNow().TruncateToMicroseconds();
        var activity = Activity.Current;
        var message = new Message
        {
            Id = Guid.CreateVersion7(),
            Direction = MessageDirection.Inbound,
            Channel = inbound.Channel,
            ExternalId = inbound.ExternalId,
            AccountId = inbound.AccountId,
            Metadata = inbound.Metadata is null ? [] : new Dictionary<string, string>(inbound.Metadata),
            SenderKind = inbound.SenderKind,
            SenderAddress = inbound.SenderAddress,
            Text = inbound.Text,
            ReceivedAt = now,
            Status = MessageStatus.Pending,
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
        };
        var toFetch = false;
        foreach (var attachment in inbound.Attachments ?? [])
        {
            // Bytes the provider keeps are fetched later by the media fetcher, off this path.
            var pending = attachment.Content is null && attachment.ProviderReference is not null;
            toFetch |= pending;
            message.Attachments.Add(new MessageAttachment
            {
                Id = Guid.CreateVersion7(),
                MessageId = message.Id,
                FileName = attachment.FileName,
                ContentType = attachment.ContentType,
                Size = attachment.Size,
                Content = attachment.Content,
                ProviderReference = attachment.ProviderReference,
                State = pending ? AttachmentState.Pending : AttachmentState.Stored,
                NextFetchAt = pending ? now : null,
            });
        }
        db.Messages.Add(message);
        if (inbound.Raw is { } raw) db.RawPayloads.Add(new RawPayload { MessageId = message.Id, ContentType = raw.ContentType, Content = raw.Content });
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
        if (toFetch) media.Notify();
        return (message, true);
    }

    // Asked for every webhook before it is stored: compiled once, not translated per call.
    private static readonly Func<ChannelDbContext, string, Guid?, string, CancellationToken, Task<Message?>> ByExternalId = EF.CompileAsyncQuery(
        (ChannelDbContext db, string channel, Guid? accountId, string externalId, CancellationToken cancellationToken) =>
            db.Messages.AsNoTracking().FirstOrDefault(m => m.Channel == channel && m.AccountId == accountId && m.ExternalId == externalId));

    private Task<Message?> FindAsync(InboundMessage inbound, CancellationToken cancellationToken) =>
        ByExternalId(db, inbound.Channel, inbound.AccountId, inbound.ExternalId!, cancellationToken);
}
