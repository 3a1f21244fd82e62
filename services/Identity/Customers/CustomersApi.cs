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

        customers.MapGet("/", Find)
            .WithName("FindCustomers")
            .WithSummary("Customers by identity (kind + address, written any way the customer wrote it) or by a search text " +
                         "(q: part of the name, or an address of any kind). Merged and erased customers are left out of searches.");

        customers.MapPatch("/{id:guid}", UpdateProfile)
            .WithName("UpdateCustomerProfile")
            .WithSummary("Changes the display name, preferred language, VIP tier or attributes (a null attribute value removes it).");

        return app;
    }

    private static async Task<Results<Ok<CustomerDto>, NotFound>> GetCustomer(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var customer = await Load(db).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return customer is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(customer));
    }

    private static async Task<Results<Ok<CustomerDto[]>, ValidationProblem>> Find(
        string? kind, string? address, string? q, IdentityDbContext db, AddressNormalizer normalizer, CancellationToken cancellationToken)
    {
        if (q is not null && kind is null && address is null) return await SearchAsync(q, db, normalizer, cancellationToken);
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

    private static async Task<Results<Ok<CustomerDto[]>, ValidationProblem>> SearchAsync(
        string q, IdentityDbContext db, AddressNormalizer normalizer, CancellationToken cancellationToken)
    {
        var text = q.Trim();
        if (text.Length is < 2 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["2 to 200 characters."] });
        }

        // The text may be an address written any way: try it as each kind that normalises.
        var addresses = new List<string>();
        foreach (var kind in new[] { IdentityKind.Email, IdentityKind.Phone })
        {
            try { addresses.Add(normalizer.Normalize(kind, text)); }
            catch (InvalidAddressException) { /* not that kind */ }
        }
        var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var found = await Load(db)
            .Where(c => c.MergedIntoId == null && c.ErasedAt == null)
            .Where(c => (c.DisplayName != null && EF.Functions.ILike(c.DisplayName, pattern))
                        || c.Identities.Any(i => addresses.Contains(i.Address) || EF.Functions.ILike(i.Address, pattern)))
            .OrderByDescending(c => c.LastSeenAt)
            .Take(50)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(found.Select(ToDto).ToArray());
    }

    private static async Task<Results<Ok<CustomerDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        Guid id, ProfileUpdate update, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var errors = update.Validate();
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null) return TypedResults.NotFound();
        if (customer.MergedIntoId is not null || customer.ErasedAt is not null)
        {
            return TypedResults.Problem(title: "Customer cannot be changed",
                detail: customer.ErasedAt is not null ? "The customer was erased." : $"The customer was merged into {customer.MergedIntoId}; change that one.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (update.DisplayName is not null) customer.DisplayName = update.DisplayName.Trim() is { Length: > 0 } name ? name : null;
        if (update.PreferredLanguage is not null) customer.PreferredLanguage = update.PreferredLanguage.Trim() is { Length: > 0 } language ? language.ToLowerInvariant() : null;
        if (update.VipTier is not null) customer.VipTier = update.VipTier.Trim() is { Length: > 0 } tier ? tier : null;
        if (update.Attributes is not null)
        {
            var attributes = new Dictionary<string, string>(customer.Attributes);
            foreach (var (key, value) in update.Attributes)
            {
                if (value is null) attributes.Remove(key);
                else attributes[key] = value;
            }
            if (attributes.Count > ProfileUpdate.MaxAttributes)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["attributes"] = [$"At most {ProfileUpdate.MaxAttributes} in all."] });
            }
            customer.Attributes = attributes;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(title: "Changed meanwhile", detail: "The customer changed (or was merged) while you edited; load it again.", statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Ok(ToDto(customer));
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

/// <summary>A change to a customer's profile; fields left out stay as they are, an empty string clears one.</summary>
public sealed record ProfileUpdate(string? DisplayName, string? PreferredLanguage, string? VipTier, Dictionary<string, string?>? Attributes)
{
    public const int MaxAttributes = 50;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (DisplayName is { Length: > 200 }) errors["displayName"] = ["At most 200 characters."];
        if (PreferredLanguage is { Length: > 0 } language
            && (language.Trim().Length != 2 || !language.Trim().All(char.IsAsciiLetter)))
        {
            errors["preferredLanguage"] = ["A two-letter ISO 639-1 code such as nl or en."];
        }
        if (VipTier is { Length: > 32 }) errors["vipTier"] = ["At most 32 characters."];
        if (Attributes is { Count: > MaxAttributes }) errors["attributes"] = [$"At most {MaxAttributes}."];
        else if (Attributes?.Any(a => string.IsNullOrWhiteSpace(a.Key) || a.Key.Length > 64 || a.Value is { Length: > 500 }) == true)
        {
            errors["attributes"] = ["Names of 1–64 characters, values of at most 500."];
        }
        return errors;
    }
}
