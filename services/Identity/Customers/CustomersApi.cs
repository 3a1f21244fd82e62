using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Identity.Data;

namespace Omni.Identity.Customers;

public sealed record IdentityDto(string Kind, string Address, bool Verified, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

public sealed record CustomerDto(
    Guid Id, string? DisplayName, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, IReadOnlyList<IdentityDto> Identities,
    Guid? MergedIntoId = null, string? PreferredLanguage = null, string? VipTier = null, IReadOnlyDictionary<string, string>? Attributes = null);

public static class CustomersApi
{
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/v1/customers").WithTags("Customers").RequireAuthorization(OmniPolicies.Agent);

        customers.MapGet("/{id:guid}", GetCustomer)
            .WithName("GetCustomer")
            .WithSummary("A customer with every identity they are known by.");

        customers.MapGet("/", FindByIdentity)
            .WithName("FindCustomerByIdentity")
            .WithSummary("The customer behind an address, written any way the customer wrote it (kind + address).");

        return app;
    }

    private static async Task<Results<Ok<CustomerDto>, NotFound>> GetCustomer(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var customer = await Load(db).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return customer is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(customer));
    }

    private static async Task<Results<Ok<CustomerDto[]>, ValidationProblem>> FindByIdentity(
        string? kind, string? address, IdentityDbContext db, AddressNormalizer normalizer, CancellationToken cancellationToken)
    {
        if (!IdentityKinds.TryParse(kind, out var identityKind))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["kind"] = [$"Required; one of: {string.Join(", ", IdentityKinds.Names)}."],
            });
        }

        string normalized;
        try
        {
            normalized = normalizer.Normalize(identityKind, address);
        }
        catch (InvalidAddressException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["address"] = [ex.Message] });
        }

        var found = await Load(db)
            .Where(c => c.Identities.Any(i => i.Kind == identityKind && i.Address == normalized))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(found.Select(ToDto).ToArray());
    }

    private static IQueryable<Customer> Load(IdentityDbContext db) => db.Customers.AsNoTracking().Include(c => c.Identities);

    private static CustomerDto ToDto(Customer c) => new(
        c.Id,
        c.DisplayName,
        c.CreatedAt,
        c.LastSeenAt,
        c.Identities.OrderBy(i => i.FirstSeenAt)
            .Select(i => new IdentityDto(i.Kind.ToWireName(), i.Address, i.Verified, i.FirstSeenAt, i.LastSeenAt))
            .ToList(),
        c.MergedIntoId,
        c.PreferredLanguage,
        c.VipTier,
        c.Attributes);
}
