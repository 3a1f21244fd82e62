using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Channel.Messages;
using Omni.Messaging;

namespace Omni.Channel.Data;

public sealed class ChannelDbContext(DbContextOptions<ChannelDbContext> options) : DbContext(options)
{
    public DbSet<Message> Messages => Set<Message>();

    public DbSet<InboundWork> InboundWork => Set<InboundWork>();

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
            message.Property(m => m.StatusReason).HasMaxLength(500);
            message.Property(m => m.TraceParent).HasMaxLength(128);
            message.Property(m => m.TraceState).HasMaxLength(512);
            // A provider's retry of a delivery carries the same id: it must find the stored message, not make another.
            message.HasIndex(m => new { m.Channel, m.ExternalId }).IsUnique().HasFilter("\"ExternalId\" IS NOT NULL");
            message.HasIndex(m => m.CustomerId);
        });

        modelBuilder.Entity<InboundWork>(work =>
        {
            work.ToTable("inbound_work");
            work.HasKey(w => w.MessageId);
            work.Property(w => w.LastError).HasMaxLength(2000);
            work.HasOne<Message>().WithOne().HasForeignKey<InboundWork>(w => w.MessageId).OnDelete(DeleteBehavior.Cascade);
            work.HasIndex(w => w.NextAttemptAt);
        });

        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class ChannelDbContextFactory : IDesignTimeDbContextFactory<ChannelDbContext>
{
    public ChannelDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ChannelDbContext>().UseNpgsql("Host=localhost;Database=channel").Options);
}
