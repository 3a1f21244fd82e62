using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Omni.Messaging;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Decisions;
using Omni.Routing.Queues;

namespace Omni.Routing.Data;

public sealed class RoutingDbContext(DbContextOptions<RoutingDbContext> options) : DbContext(options)
{
    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ConversationMessage> ConversationMessages => Set<ConversationMessage>();

    public DbSet<Queue> Queues => Set<Queue>();

    public DbSet<RoutingAgent> Agents => Set<RoutingAgent>();

    public DbSet<RoutingDecision> Decisions => Set<RoutingDecision>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.Property(c => c.State).HasMaxLength(24);
            conversation.Property(c => c.LastChannel).HasMaxLength(32);
            conversation.Property(c => c.Topic).HasMaxLength(64);
            conversation.Property(c => c.Language).HasMaxLength(8);
            conversation.Property(c => c.Summary).HasMaxLength(2000);
            conversation.Property(c => c.Version).IsRowVersion();
            conversation.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            // One open conversation per customer, whatever the channel and however many consumers race.
            conversation.HasIndex(c => c.CustomerId).IsUnique().HasFilter(ConversationState.OpenFilter).HasDatabaseName("ix_conversations_one_open_per_customer");
            conversation.HasIndex(c => new { c.CustomerId, c.OpenedAt });
            // The router's scan: what waits, per queue, in order.
            conversation.HasIndex(c => new { c.QueueId, c.Priority, c.QueuedAt }).HasFilter("\"State\" = 'queued'").HasDatabaseName("ix_conversations_waiting");
            conversation.HasIndex(c => c.AgentId).HasFilter("\"AgentId\" IS NOT NULL");
            conversation.HasIndex(c => c.OfferedAgentId).HasFilter("\"OfferedAgentId\" IS NOT NULL");
            conversation.HasIndex(c => c.State);
        });

        modelBuilder.Entity<ConversationMessage>(message =>
        {
            message.ToTable("conversation_messages");
            message.HasKey(m => m.MessageId);
            message.Property(m => m.Channel).HasMaxLength(32);
            message.HasIndex(m => new { m.ConversationId, m.ReceivedAt });
        });

        modelBuilder.Entity<Queue>(queue =>
        {
            queue.ToTable("queues");
            queue.Property(q => q.Name).HasMaxLength(100);
            queue.Property(q => q.Description).HasMaxLength(500);
            queue.HasIndex(q => q.Name).IsUnique();
            queue.HasIndex(q => q.IsDefault).IsUnique().HasFilter("\"IsDefault\"");
            queue.Property(q => q.RequiredSkills).HasColumnType("jsonb").HasConversion(Json<Dictionary<string, int>>(), JsonComparer<Dictionary<string, int>>());
            queue.Property(q => q.Hours).HasColumnType("jsonb").HasConversion(Json<BusinessHours>(), JsonComparer<BusinessHours>());
        });

        modelBuilder.Entity<RoutingAgent>(agent =>
        {
            agent.ToTable("agents");
            agent.Property(a => a.Id).ValueGeneratedNever();
            agent.Property(a => a.Name).HasMaxLength(200);
            agent.Property(a => a.Skills).HasColumnType("jsonb").HasConversion(Json<Dictionary<string, int>>(), JsonComparer<Dictionary<string, int>>());
            agent.Ignore(a => a.FirstName);
        });

        modelBuilder.Entity<RoutingDecision>(decision =>
        {
            decision.ToTable("routing_decisions");
            decision.Property(d => d.Kind).HasMaxLength(24);
            decision.Property(d => d.Reason).HasMaxLength(1000);
            decision.Property(d => d.Note).HasMaxLength(2000);
            decision.HasIndex(d => new { d.ConversationId, d.At });
        });

        modelBuilder.AddOutboxAndInbox();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>A value stored as jsonb, compared by its JSON so EF notices changes inside it.</summary>
    private static ValueConverter<T, string> Json<T>() where T : new() => new(
        value => JsonSerializer.Serialize(value, JsonOptions),
        json => JsonSerializer.Deserialize<T>(json, JsonOptions) ?? new T());

    internal static ValueComparer<T> JsonComparer<T>() where T : new() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
        value => JsonSerializer.Serialize(value, JsonOptions).GetHashCode(StringComparison.Ordinal),
        value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonOptions), JsonOptions) ?? new T());
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class RoutingDbContextFactory : IDesignTimeDbContextFactory<RoutingDbContext>
{
    public RoutingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RoutingDbContext>().UseNpgsql("Host=localhost;Database=routing").Options);
}
