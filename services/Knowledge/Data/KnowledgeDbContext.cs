using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Feedback;
using Omni.Knowledge.Search;
using Omni.Knowledge.Suggestions;
using Omni.Messaging;

namespace Omni.Knowledge.Data;

public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    /// <summary>
    /// The tsvector of an article: title (A) above tags (B) above body text (C), in the language's configuration.
    /// knowledge_search_config and knowledge_tags_text are created by the migration (immutable, as a generated column needs).
    /// </summary>
    public const string SearchVectorSql =
        "setweight(to_tsvector(knowledge_search_config(\"Language\"), \"Title\"), 'A') || " +
        "setweight(to_tsvector(knowledge_search_config(\"Language\"), knowledge_tags_text(\"Tags\")), 'B') || " +
        "setweight(to_tsvector(knowledge_search_config(\"Language\"), \"PlainText\"), 'C')";

    /// <summary>Title (A) and tags (B) only: the articles about a word, as opposed to all that mention it.</summary>
    public const string HeadingVectorSql =
        "setweight(to_tsvector(knowledge_search_config(\"Language\"), \"Title\"), 'A') || " +
        "setweight(to_tsvector(knowledge_search_config(\"Language\"), knowledge_tags_text(\"Tags\")), 'B')";

    public DbSet<Article> Articles => Set<Article>();

    public DbSet<ArticleVersion> ArticleVersions => Set<ArticleVersion>();

    public DbSet<SearchTerm> SearchTerms => Set<SearchTerm>();

    public DbSet<SearchGap> SearchGaps => Set<SearchGap>();

    public DbSet<ArticleVote> ArticleVotes => Set<ArticleVote>();

    public DbSet<ConversationContext> ConversationContexts => Set<ConversationContext>();

    public DbSet<ConversationText> ConversationTexts => Set<ConversationText>();

    public DbSet<Bot.BotTurn> BotTurns => Set<Bot.BotTurn>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("pg_trgm");

        modelBuilder.Entity<Article>(article =>
        {
            article.ToTable("articles");
            article.Property(a => a.Language).HasMaxLength(8);
            article.Property(a => a.Slug).HasMaxLength(120);
            article.Property(a => a.TranslationKey).HasMaxLength(120);
            article.Property(a => a.Title).HasMaxLength(300);
            article.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            article.Property(a => a.UpdatedByName).HasMaxLength(200);
            article.Property(a => a.SearchVector).HasColumnType("tsvector").HasComputedColumnSql(SearchVectorSql, stored: true);
            article.HasIndex(a => new { a.Language, a.Status });
            article.HasIndex(a => new { a.Language, a.Slug }).IsUnique();
            article.HasIndex(a => new { a.TranslationKey, a.Language }).IsUnique();
            article.Property(a => a.HeadingVector).HasColumnType("tsvector").HasComputedColumnSql(HeadingVectorSql, stored: true);
            // One GIN index per language: a search always names its language, and the planner then needs no second
            // index to keep to it (combining bitmaps of half the table costs more than the search itself).
            foreach (var language in Languages.Supported)
            {
                article.HasIndex(a => a.SearchVector, $"IX_articles_SearchVector_{language}").HasMethod("gin").HasFilter($"\"Language\" = '{language}'");
                article.HasIndex(a => a.HeadingVector, $"IX_articles_HeadingVector_{language}").HasMethod("gin").HasFilter($"\"Language\" = '{language}'");
            }
            article.HasIndex(a => a.Tags).HasMethod("gin");
            // Typo tolerance on titles when the words themselves find little.
            article.HasIndex(a => a.Title).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("IX_articles_Title_trgm");
        });

        modelBuilder.Entity<ArticleVersion>(version =>
        {
            version.ToTable("article_versions");
            version.HasKey(v => new { v.ArticleId, v.Version });
            version.Property(v => v.Title).HasMaxLength(300);
            version.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
            version.Property(v => v.AuthorName).HasMaxLength(200);
            version.Property(v => v.Change).HasMaxLength(32);
            version.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SearchTerm>(term =>
        {
            term.ToTable("search_terms");
            term.HasKey(t => new { t.Language, t.Word });
            term.Property(t => t.Language).HasMaxLength(8);
            term.Property(t => t.Word).HasMaxLength(100);
            term.Property(t => t.Lexemes).HasMaxLength(300);
            term.HasIndex(t => new { t.Language, t.Lexemes });
            // Nearest words by trigram distance (KNN), one index per language so the search stays within it.
            foreach (var language in Languages.Supported)
            {
                term.HasIndex(t => t.Word, $"IX_search_terms_Word_trgm_{language}")
                    .HasMethod("gist").HasOperators("gist_trgm_ops").HasFilter($"\"Language\" = '{language}'");
            }
        });

        modelBuilder.Entity<SearchGap>(gap =>
        {
            gap.ToTable("search_gaps");
            gap.HasKey(g => new { g.Language, g.Key });
            gap.Property(g => g.Language).HasMaxLength(8);
            gap.Property(g => g.Key).HasMaxLength(300);
            gap.Property(g => g.Query).HasMaxLength(300);
            gap.HasIndex(g => g.LastSeenAt);
        });

        modelBuilder.Entity<ArticleVote>(vote =>
        {
            vote.ToTable("article_votes");
            vote.HasKey(v => new { v.ArticleId, v.ConversationId });
            vote.Property(v => v.Source).HasMaxLength(16);
            vote.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationContext>(context =>
        {
            context.ToTable("conversation_contexts");
            context.HasKey(c => c.ConversationId);
            context.Property(c => c.Language).HasMaxLength(8);
            context.Property(c => c.LanguageSource).HasMaxLength(16);
            context.HasIndex(c => c.CustomerId);
            context.HasIndex(c => c.UpdatedAt);
        });

        modelBuilder.Entity<ConversationText>(text =>
        {
            text.ToTable("conversation_texts");
            text.HasKey(t => t.MessageId);
            text.HasIndex(t => new { t.ConversationId, t.ReceivedAt });
            text.HasOne<ConversationContext>().WithMany().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Bot.BotTurn>(turn =>
        {
            turn.ToTable("bot_turns");
            turn.HasKey(t => t.MessageId);
            turn.Property(t => t.Kind).HasMaxLength(16);
            turn.Property(t => t.Language).HasMaxLength(8);
            turn.HasIndex(t => new { t.ConversationId, t.At });
            turn.HasIndex(t => t.CustomerId);
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
