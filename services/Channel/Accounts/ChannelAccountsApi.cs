using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Channel.Data;

namespace Omni.Channel.Accounts;

public sealed record AccountRequest(string? Kind, string? Name, string? Address, Dictionary<string, string>? Settings, Dictionary<string, string>? Secrets);

public sealed record AccountPatch(string? Name, Dictionary<string, string>? Settings, Dictionary<string, string?>? Secrets, bool? Disabled);

/// <summary>An account as the API shows it: secrets by name only.</summary>
public sealed record AccountDto(
    Guid Id, string Kind, string Name, string Address, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> SecretNames,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Disabled);

public static class ChannelAccountsApi
{
    private const int MaxEntries = 20;

    public static IEndpointRouteBuilder MapChannelAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/v1/channel-accounts").WithTags("Channel accounts");
        accounts.MapPost("/", Create).WithName("CreateChannelAccount")
            .WithSummary("Adds a channel account (a number, a WhatsApp business number, a mailbox, a widget, a partner). Secrets are write-only.");
        accounts.MapGet("/", List).WithName("ListChannelAccounts").WithSummary("Every channel account, secrets by name only.");
        accounts.MapGet("/{id:guid}", Get).WithName("GetChannelAccount").WithSummary("One channel account, secrets by name only.");
        accounts.MapPatch("/{id:guid}", Update).WithName("UpdateChannelAccount")
            .WithSummary("Renames, changes settings, sets secrets (a null value removes one) or disables an account.");
        return app;
    }

    private static async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> Create(
        AccountRequest request, ChannelDbContext db, AccountDirectory directory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (kind is null || !AccountKinds.All.Contains(kind)) errors["kind"] = [$"One of: {string.Join(", ", AccountKinds.All)}."];
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) errors["name"] = ["Required, at most 200 characters."];
        var address = AccountAddress.Normalize(kind, request.Address, out var addressError);
        if (addressError is not null) errors["address"] = [addressError];
        CheckMap(request.Settings, "settings", errors);
        CheckMap(request.Secrets, "secrets", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = clock.GetUtcNow();
        var account = new ChannelAccount
        {
            Id = Guid.CreateVersion7(),
            Kind = kind!,
            Name = request.Name!.Trim(),
            Address = address!,
            Settings = request.Settings ?? [],
            Secrets = request.Secrets ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Accounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(title: "Account exists", detail: $"A {kind} account with that address exists already.", statusCode: StatusCodes.Status409Conflict);
        }
        directory.Forget();
        return TypedResults.Created($"/api/v1/channel-accounts/{account.Id}", ToDto(account));
    }

    private static async Task<Ok<AccountDto[]>> List(ChannelDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Accounts.AsNoTracking().OrderBy(a => a.Kind).ThenBy(a => a.Name).ToListAsync(cancellationToken)).Select(ToDto).ToArray());

    private static async Task<Results<Ok<AccountDto>, NotFound>> Get(Guid id, ChannelDbContext db, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is { } account
            ? TypedResults.Ok(ToDto(account))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<AccountDto>, NotFound, ValidationProblem>> Update(
        Guid id, AccountPatch patch, ChannelDbContext db, AccountDirectory directory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null) return TypedResults.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (patch.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200)) errors["name"] = ["Not blank, at most 200 characters."];
        CheckMap(patch.Settings, "settings", errors);
        CheckMap(patch.Secrets?.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!), "secrets", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (patch.Name is not null) account.Name = patch.Name.Trim();
        if (patch.Settings is not null) account.Settings = new Dictionary<string, string>(account.Settings.Concat(patch.Settings).GroupBy(p => p.Key).Select(g => g.Last()));
        if (patch.Secrets is not null)
        {
            var secrets = new Dictionary<string, string>(account.Secrets);
            foreach (var (key, value) in patch.Secrets)
            {
                if (value is null) secrets.Remove(key);
                else secrets[key] = value;
            }
            account.Secrets = secrets;
        }
        if (patch.Disabled is { } disabled) account.DisabledAt = disabled ? account.DisabledAt ?? clock.GetUtcNow() : null;
        account.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        directory.Forget();
        return TypedResults.Ok(ToDto(account));
    }

    private static void CheckMap(IReadOnlyDictionary<string, string>? map, string field, Dictionary<string, string[]> errors)
    {
        if (map is null) return;
        if (map.Count > MaxEntries) errors[field] = [$"At most {MaxEntries} entries."];
        else if (map.Any(p => string.IsNullOrWhiteSpace(p.Key) || p.Key.Length > 64 || p.Value is null || p.Value.Length > 4000))
        {
            errors[field] = ["Names of 1–64 characters, values of at most 4000."];
        }
    }

    private static AccountDto ToDto(ChannelAccount a) => new(
        a.Id, a.Kind, a.Name, a.Address, a.Settings, a.Secrets.Keys.Order().ToList(), a.CreatedAt, a.UpdatedAt, a.DisabledAt is not null);
}

/// <summary>How an account's address is written, by kind: numbers in E.164, mailboxes lower-case, the rest trimmed.</summary>
public static class AccountAddress
{
    public static string? Normalize(string? kind, string? address, out string? error)
    {
        error = null;
        var trimmed = address?.Trim() ?? "";
        if (trimmed.Length is 0 or > 320)
        {
            error = "Required, at most 320 characters.";
            return null;
        }
        switch (kind)
        {
            case AccountKinds.Sms or AccountKinds.Voice:
                var digits = trimmed.Replace(" ", "").Replace("-", "");
                if (!System.Text.RegularExpressions.Regex.IsMatch(digits, @"^\+[1-9][0-9]{6,14}$"))
                {
                    error = "A phone number in international form, e.g. +3197010000001.";
                    return null;
                }
                return digits;
            case AccountKinds.Email:
                if (!System.Net.Mail.MailAddress.TryCreate(trimmed, out var mail) || mail.Address != trimmed)
                {
                    error = "A mailbox of the form name@domain.";
                    return null;
                }
                return trimmed.ToLowerInvariant();
            default:
                return trimmed;
        }
    }
}
