using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Omni.Identity.Agents;
using Omni.Identity.Merging;
using Omni.Identity.Partners;
using Omni.Identity.Verification;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Identity.Customers;
using Omni.Messaging;

namespace Omni.Identity.Data;

public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<CustomerIdentity> Identities => Set<CustomerIdentity>();

    public DbSet<Merge> Merges => Set<Merge>();

    public DbSet<MergeSuggestion> MergeSuggestions => Set<MergeSuggestion>();

    public DbSet<WebsiteSecret> WebsiteSecrets => Set<WebsiteSecret>();

    public DbSet<VerificationCode> VerificationCodes => Set<VerificationCode>();

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<PartnerKey> PartnerKeys => Set<PartnerKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.ToTable("customers");
            customer.Property(c => c.DisplayName).HasMaxLength(200);
            customer.Property(c => c.PreferredLanguage).HasMaxLength(8);
            customer.Property(c => c.VipTier).HasMaxLength(32);
            customer.Property(c => c.Attributes).HasColumnType("jsonb").HasConversion(
                value => JsonSerializer.Serialize(value, JsonOptions),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonOptions) ?? new Dictionary<string, string>(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                    d => d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    d => new Dictionary<string, string>(d)));
            customer.Property(c => c.Version).IsRowVersion();
            customer.HasIndex(c => c.DisplayName);
            customer.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CustomerIdentity>(identity =>
        {
            identity.ToTable("customer_identities");
            identity.Property(i => i.Kind).HasConversion<string>().HasMaxLength(32);
            identity.Property(i => i.Address).HasMaxLength(320);
            // One address belongs to one customer: this index is what makes concurrent first contacts create one customer.
            identity.HasIndex(i => new { i.Kind, i.Address }).IsUnique();
            identity.HasIndex(i => i.CustomerId);
            identity.Property(i => i.VerifiedMethod).HasMaxLength(16);
            identity.Property(i => i.LookAlikeKey).HasMaxLength(320);
            identity.HasIndex(i => i.LookAlikeKey);
        });

        modelBuilder.Entity<Merge>(merge =>
        {
            merge.ToTable("merges");
            merge.Property(m => m.Reason).HasMaxLength(500);
            merge.Property(m => m.UndoReason).HasMaxLength(500);
            merge.Property(m => m.SurvivorBefore).HasColumnType("jsonb");
            merge.Property(m => m.MergedBefore).HasColumnType("jsonb");
            merge.HasIndex(m => m.SurvivorId);
            merge.HasIndex(m => m.MergedId);
        });

        modelBuilder.Entity<MergeSuggestion>(suggestion =>
        {
            suggestion.ToTable("merge_suggestions");
            suggestion.Property(m => m.Evidence).HasMaxLength(1000);
            suggestion.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
            suggestion.HasIndex(m => new { m.CustomerId, m.OtherCustomerId }).IsUnique();
            suggestion.HasIndex(m => m.Status);
        });

        modelBuilder.Entity<WebsiteSecret>(secret =>
        {
            secret.ToTable("website_secrets");
            secret.Property(w => w.Site).HasMaxLength(100);
            secret.Property(w => w.Secret).HasMaxLength(200);
            secret.HasIndex(w => w.Site).IsUnique();
        });

        modelBuilder.Entity<VerificationCode>(code =>
        {
            code.ToTable("verification_codes");
            code.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
            code.Property(c => c.Address).HasMaxLength(320);
            code.Property(c => c.CodeHash).HasMaxLength(64);
            code.HasIndex(c => new { c.CustomerId, c.Kind, c.Address });
        });

        modelBuilder.Entity<Agent>(agent =>
        {
            agent.ToTable("agents");
            agent.Property(a => a.Name).HasMaxLength(200);
            agent.Property(a => a.Email).HasMaxLength(320);
            agent.Property(a => a.PasswordHash).HasMaxLength(200);
            agent.HasIndex(a => a.Email).IsUnique();
        });

        modelBuilder.Entity<PartnerKey>(key =>
        {
            key.ToTable("partner_keys");
            key.Property(k => k.Partner).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.Property(k => k.SecretHash).HasMaxLength(64);
            key.HasIndex(k => k.Prefix).IsUnique();
        });

        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class IdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityDbContext>().UseNpgsql("Host=localhost;Database=identity").Options);
}
