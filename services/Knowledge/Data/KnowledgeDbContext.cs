using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Knowledge.Articles;
using Omni.Messaging;

namespace Omni.Knowledge.Data;

public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    public DbSet<Article> Articles => Set<Article>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Article>(article =>
        {
            article.ToTable("articles");
            article.Property(a => a.Language).HasMaxLength(8);
            article.Property(a => a.Title).HasMaxLength(300);
            article.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            article.HasIndex(a => new { a.Language, a.Status });
        });

        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class KnowledgeDbContextFactory : IDesignTimeDbContextFactory<KnowledgeDbContext>
{
    public KnowledgeDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<KnowledgeDbContext>().UseNpgsql("Host=localhost;Database=knowledge").Options);
}
