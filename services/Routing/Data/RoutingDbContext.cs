using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Messaging;
using Omni.Routing.Conversations;

namespace Omni.Routing.Data;

public sealed class RoutingDbContext(DbContextOptions<RoutingDbContext> options) : DbContext(options)
{
    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ConversationMessage> ConversationMessages => Set<ConversationMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            conversation.Property(c => c.LastChannel).HasMaxLength(32);
            conversation.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            // One open conversation per customer, whatever the channel and however many consumers race.
            conversation.HasIndex(c => c.CustomerId).IsUnique().HasFilter("\"Status\" = 'Open'").HasDatabaseName("ix_conversations_one_open_per_customer");
            conversation.HasIndex(c => new { c.CustomerId, c.OpenedAt });
        });

        modelBuilder.Entity<ConversationMessage>(message =>
        {
            message.ToTable("conversation_messages");
            message.HasKey(m => m.MessageId);
            message.Property(m => m.Channel).HasMaxLength(32);
            message.HasIndex(m => new { m.ConversationId, m.ReceivedAt });
        });

        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class RoutingDbContextFactory : IDesignTimeDbContextFactory<RoutingDbContext>
{
    public RoutingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RoutingDbContext>().UseNpgsql("Host=localhost;Database=routing").Options);
}
