using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Notifications;
using Omni.Messaging;

namespace Omni.Channel.Data;

public sealed class ChannelDbContext(DbContextOptions<ChannelDbContext> options) : DbContext(options)
{
    public DbSet<Message> Messages => Set<Message>();

    public DbSet<InboundWork> InboundWork => Set<InboundWork>();

    public DbSet<RawPayload> RawPayloads => Set<RawPayload>();

    public DbSet<OutboundWork> OutboundWork => Set<OutboundWork>();

    public DbSet<MessageAttachment> Attachments => Set<MessageAttachment>();

    public DbSet<ChannelAccount> Accounts => Set<ChannelAccount>();

    public DbSet<ConversationNotice> Notices => Set<ConversationNotice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Message>(message =>
        {
            message.ToTable("messages");
            message.Property(m => m.Direction).HasConversion<string>().HasMaxLength(16);
            message.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            message.Property(m => m.Channel).HasMaxLength(32);
            message.Property(m => m.ExternalId).HasMaxLength(200);
            message.Property(m => m.SenderKind).HasMaxLength(32);
            message.Property(m => m.SenderAddress).HasMaxLength(320);
            message.Property(m => m.Sender).HasMaxLength(16);
            message.Property(m => m.StatusReason).HasMaxLength(500);
            message.Property(m => m.TraceParent).HasMaxLength(128);
            message.Property(m => m.TraceState).HasMaxLength(512);
            // A provider's retry of a delivery carries the same id: it must find the stored message, not make another.
            // Unique per account (an e-mail's Message-ID is the sender's choice, and one mail may reach two mailboxes);
            // messages without an account (the plain API) share one space.
            message.HasIndex(m => new { m.Channel, m.AccountId, m.ExternalId }).IsUnique().AreNullsDistinct(false)
                .HasFilter("\"ExternalId\" IS NOT NULL");
            // Delivery reports find an outbound message by the provider's id.
            message.HasIndex(m => new { m.Channel, m.ExternalId });
            message.HasIndex(m => m.CustomerId);
            message.HasIndex(m => new { m.CustomerId, m.Channel, m.ReceivedAt });
            message.HasIndex(m => m.ConversationId);
            // History and WhatsApp's 24-hour window look up a sender's latest messages on a channel.
            message.HasIndex(m => new { m.Channel, m.SenderAddress, m.ReceivedAt });
            message.Property(m => m.Metadata).HasColumnType("jsonb").HasConversion(JsonMap.Converter, JsonMap.Comparer);
            message.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<MessageAttachment>(attachment =>
        {
            attachment.ToTable("message_attachments");
            attachment.Property(a => a.FileName).HasMaxLength(255);
            attachment.Property(a => a.ContentType).HasMaxLength(100);
            attachment.Property(a => a.ProviderReference).HasMaxLength(1000);
            attachment.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
            attachment.Property(a => a.StateReason).HasMaxLength(500);
            // The media fetcher's queue: only pending attachments carry a due time.
            attachment.HasIndex(a => a.NextFetchAt).HasFilter("\"NextFetchAt\" IS NOT NULL");
        });

        modelBuilder.Entity<OutboundWork>(work =>
        {
            work.ToTable("outbound_work");
            work.HasKey(w => w.MessageId);
            work.Property(w => w.LastError).HasMaxLength(2000);
            work.HasOne<Message>().WithOne().HasForeignKey<OutboundWork>(w => w.MessageId).OnDelete(DeleteBehavior.Cascade);
            work.HasIndex(w => w.NextAttemptAt);
        });

        modelBuilder.Entity<ChannelAccount>(account =>
        {
            account.ToTable("channel_accounts");
            account.Property(a => a.Kind).HasMaxLength(16);
            account.Property(a => a.Name).HasMaxLength(200);
            account.Property(a => a.Address).HasMaxLength(320);
            account.Property(a => a.Settings).HasColumnType("jsonb").HasConversion(JsonMap.Converter, JsonMap.Comparer);
            account.Property(a => a.Secrets).HasColumnType("jsonb").HasConversion(JsonMap.Converter, JsonMap.Comparer);
            account.HasIndex(a => new { a.Kind, a.Address }).IsUnique();
        });

        modelBuilder.Entity<RawPayload>(raw =>
        {
            raw.ToTable("raw_payloads");
            raw.HasKey(r => r.MessageId);
            raw.Property(r => r.ContentType).HasMaxLength(100);
            raw.HasOne<Message>().WithOne().HasForeignKey<RawPayload>(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<InboundWork>(work =>
        {
            work.ToTable("inbound_work");
            work.HasKey(w => w.MessageId);
            work.Property(w => w.LastError).HasMaxLength(2000);
            work.HasOne<Message>().WithOne().HasForeignKey<InboundWork>(w => w.MessageId).OnDelete(DeleteBehavior.Cascade);
            work.HasIndex(w => w.NextAttemptAt);
        });

        modelBuilder.Entity<ConversationNotice>(notice =>
        {
            notice.ToTable("conversation_notices");
            notice.HasKey(n => n.ConversationId);
            notice.Property(n => n.State).HasMaxLength(32);
        });

        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>A string map stored as jsonb.</summary>
internal static class JsonMap
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<Dictionary<string, string>, string> Converter = new(
        value => System.Text.Json.JsonSerializer.Serialize(value, Options),
        json => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json, Options) ?? new Dictionary<string, string>());

    public static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, string>> Comparer = new(
        (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
        d => d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
        d => new Dictionary<string, string>(d));
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class ChannelDbContextFactory : IDesignTimeDbContextFactory<ChannelDbContext>
{
    public ChannelDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ChannelDbContext>().UseNpgsql("Host=localhost;Database=channel").Options);
}
