using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;

namespace Omni.Channel.Partner;

public sealed record PartnerMessageRequest(string? UserId, string? Text, string? ExternalId);

public sealed record PartnerWebhookRequest(string? Url, bool Rotate = false);

public sealed record PartnerWebhookDto(string Url, string? Secret, string SignatureHeader);

public sealed record PartnerMessageDto(Guid Id, string UserId, string Direction, string Text, DateTimeOffset At, string Status);

/// <summary>
/// The partner API channel: a partner's own app (the mobile front-end) posts its users' messages and receives the
/// replies on a webhook it registers. The gateway checks the partner's API key and names the partner in
/// <see cref="PartnerHeader"/> (it strips that header from every other request); its users are external-id identities
/// <c>"{partner}:{user id}"</c>.
/// </summary>
public static class PartnerApi
{
    public const string PartnerHeader = "X-Omni-Partner";
    public const int MaxUserIdLength = 200;

    public static IEndpointRouteBuilder MapPartnerApi(this IEndpointRouteBuilder app)
    {
        var partner = app.MapGroup("/api/v1/partner").WithTags("Partner API");
        partner.MapPost("/messages", Post).WithName("PartnerPostMessage")
            .WithSummary("A message from one of the partner's users. 202; a repeat of externalId answers 200 with the first.");
        partner.MapGet("/messages", History).WithName("PartnerMessageHistory")
            .WithSummary("A user's messages, both ways, oldest first (up to 200, optionally after a time).");
        partner.MapPut("/webhook", SetWebhook).WithName("PartnerSetWebhook")
            .WithSummary("Where Omni posts replies for the partner's users, signed with HMAC-SHA256. The secret is shown when first made or rotated.");
        return app;
    }

    private static async Task<Results<Accepted<PartnerMessageDto>, Ok<PartnerMessageDto>, ValidationProblem, UnauthorizedHttpResult>> Post(
        HttpRequest request, PartnerMessageRequest body, InboundMessages inbound, ChannelDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (PartnerOf(request) is not { } partner) return TypedResults.Unauthorized();
        var errors = new Dictionary<string, string[]>();
        var userId = body.UserId?.Trim();
        if (string.IsNullOrEmpty(userId) || userId.Length > MaxUserIdLength) errors["userId"] = [$"Required, at most {MaxUserIdLength} characters."];
        if (string.IsNullOrWhiteSpace(body.Text)) errors["text"] = ["Required and not blank."];
        else if (body.Text.Length > MessagesApi.MaxTextLength) errors["text"] = [$"At most {MessagesApi.MaxTextLength} characters."];
        if (body.ExternalId is { Length: > 200 }) errors["externalId"] = ["At most 200 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var account = await AccountAsync(db, partner, clock, cancellationToken);
        // External ids are the partner's: keep them apart from other partners' with the partner's name.
        var externalId = string.IsNullOrWhiteSpace(body.ExternalId) ? null : $"{partner}:{body.ExternalId.Trim()}";
        var (message, created) = await inbound.AcceptAsync(
            new InboundMessage(AccountKinds.Partner, "external", $"{partner}:{userId}", body.Text!, externalId) { AccountId = account.Id },
            cancellationToken);
        var dto = ToDto(message);
        return created ? TypedResults.Accepted($"/api/v1/partner/messages?userId={Uri.EscapeDataString(userId!)}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<PartnerMessageDto[]>, ValidationProblem, UnauthorizedHttpResult>> History(
        HttpRequest request, string? userId, DateTimeOffset? after, ChannelDbContext db, CancellationToken cancellationToken)
    {
        if (PartnerOf(request) is not { } partner) return TypedResults.Unauthorized();
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > MaxUserIdLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = [$"Required, at most {MaxUserIdLength} characters."] });
        }
        var address = $"{partner}:{userId.Trim()}";
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.Channel == AccountKinds.Partner && m.SenderAddress == address && (after == null || m.ReceivedAt > after))
            .OrderBy(m => m.ReceivedAt).Take(200)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(messages.Select(ToDto).ToArray());
    }

    private static async Task<Results<Ok<PartnerWebhookDto>, ValidationProblem, UnauthorizedHttpResult>> SetWebhook(
        HttpRequest request, PartnerWebhookRequest body, ChannelDbContext db, TimeProvider clock, IHostEnvironment environment, CancellationToken cancellationToken)
    {
        if (PartnerOf(request) is not { } partner) return TypedResults.Unauthorized();
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || environment.IsDevelopment()))))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = ["An absolute https URL (http only for loopback or in development)."] });
        }

        var account = await AccountAsync(db, partner, clock, cancellationToken);
        account.Settings = new Dictionary<string, string>(account.Settings) { [PartnerTransport.WebhookUrlSetting] = url.ToString() };
        string? shown = null;
        if (body.Rotate || account.Secret(PartnerTransport.WebhookSecret) is null)
        {
            shown = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            account.Secrets = new Dictionary<string, string>(account.Secrets) { [PartnerTransport.WebhookSecret] = shown };
        }
        account.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new PartnerWebhookDto(url.ToString(), shown, PartnerTransport.SignatureHeader));
    }

    /// <summary>The partner's account, made on its first call (kind partner, address = the partner's name).</summary>
    private static async Task<ChannelAccount> AccountAsync(ChannelDbContext db, string partner, TimeProvider clock, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Kind == AccountKinds.Partner && a.Address == partner, cancellationToken);
        if (account is not null) return account;
        var now = clock.GetUtcNow();
        account = new ChannelAccount { Id = Guid.CreateVersion7(), Kind = AccountKinds.Partner, Name = partner, Address = partner, CreatedAt = now, UpdatedAt = now };
        db.Accounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return account;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Accounts.FirstAsync(a => a.Kind == AccountKinds.Partner && a.Address == partner, cancellationToken);
        }
    }

    private static string? PartnerOf(HttpRequest request) =>
        request.Headers[PartnerHeader].ToString() is { Length: > 0 and <= 100 } partner ? partner : null;

    private static PartnerMessageDto ToDto(Message m) => new(
        m.Id, m.SenderAddress[(m.SenderAddress.IndexOf(':') + 1)..], m.Direction.ToString().ToLowerInvariant(), m.Text, m.ReceivedAt,
        m.Status.ToString().ToLowerInvariant());
}
