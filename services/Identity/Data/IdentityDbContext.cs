using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Omni.Identity.Customers;
using Omni.Messaging;

namespace Omni.Identity.Data;

public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<CustomerIdentity> Identities => Set<CustomerIdentity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.ToTable("customers");
            customer.Property(c => c.DisplayName).HasMaxLength(200);
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
