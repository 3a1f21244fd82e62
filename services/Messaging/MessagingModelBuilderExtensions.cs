using Microsoft.EntityFrameworkCore;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;

namespace Omni.Messaging;

public static class MessagingModelBuilderExtensions
{
    /// <summary>Adds the outbox and inbox tables to a service's model; call from <c>OnModelCreating</c>.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.MessageType).HasMaxLength(512);
            outbox.Property(m => m.Body).HasColumnType("jsonb");
            outbox.Property(m => m.TraceParent).HasMaxLength(128);
            outbox.Property(m => m.TraceState).HasMaxLength(512);
            outbox.Property(m => m.LastError).HasMaxLength(2000);
            // The dispatcher only ever looks for what has not been sent; keep that index small.
            outbox.HasIndex(m => m.Id).HasDatabaseName("ix_outbox_messages_unsent").HasFilter("\"SentAt\" IS NULL");
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.Consumer).HasMaxLength(256);
            inbox.HasIndex(m => m.ProcessedAt);
        });

        return modelBuilder;
    }
}
