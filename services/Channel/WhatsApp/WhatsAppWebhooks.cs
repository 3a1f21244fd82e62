using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;

namespace Omni.Channel.WhatsApp;

/// <summary>
/// The addresses Meta calls (a contract: configured once in the Meta app, they never change). GET answers the
/// subscription challenge; POST takes messages and statuses: shape checked, account found by the business
/// phone-number id, signature checked over the raw bytes, then every message stored (a repeat by its wamid is
/// stored once) and every status applied, and Meta answered at once. Identity is not called on this path.
/// </summary>
public static class WhatsAppWebhooks
{
    public const string Path = "/webhooks/whatsapp";
    private static readonly string[] WhatsAppKind = [AccountKinds.WhatsApp];
    private const int MaxAccounts = 1000;

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Verify)
            .WithTags("Webhooks")
            .WithName("VerifyWhatsAppWebhook")
            .WithSummary("Meta's subscription check: echoes hub.challenge as text/plain when hub.mode is subscribe and hub.verify_token " +
                         "is the verify token of a WhatsApp account; 403 otherwise.");
        app.MapPost(Path, Receive)
            .Accepts<object>("application/json")
            .WithTags("Webhooks")
            .WithName("ReceiveWhatsAppWebhook")
            .WithSummary("Meta's Cloud API notifications (object whatsapp_business_account), signed with X-Hub-Signature-256. " +
                         "200 once stored; 401 for a missing or wrong signature, 404 for an unknown phone-number id, 400 for a bad shape.");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Verify(
        [FromQuery(Name = "hub.mode")] string? mode,
        [FromQuery(Name = "hub.verify_token")] string? verifyToken,
        [FromQuery(Name = "hub.challenge")] string? challenge,
        AccountDirectory accounts,
        CancellationToken cancellationToken)
    {
        var refused = TypedResults.Problem(title: "Verification failed", statusCode: StatusCodes.Status403Forbidden);
        if (mode != "subscribe" || string.IsNullOrEmpty(verifyToken) || string.IsNullOrEmpty(challenge) || challenge.Length > 1000) return refused;

        var all = await accounts.AllAsync(WhatsAppKind, MaxAccounts, cancellationToken);
        var matches = false;
        foreach (var expected in all.Select(a => a.Secret("verifyToken")).OfType<string>())
        {
            matches |= WhatsAppSignature.SecretsEqual(verifyToken, expected);
        }
        return matches ? TypedResults.Text(challenge, "text/plain") : refused;
    }

    private static ProblemHttpResult InvalidSignature() =>
        TypedResults.Problem(title: "Invalid signature",
            detail: $"{WhatsAppSignature.Header} must be sha256= and the HMAC-SHA256 of the raw body with the app secret.",
            statusCode: StatusCodes.Status401Unauthorized);

    private static async Task<Results<Ok, ValidationProblem, ProblemHttpResult>> Receive(
        HttpRequest request,
        ChannelDbContext db,
        AccountDirectory directory,
        InboundMessages inbound,
        DeliveryStatuses statuses,
        IOptions<WhatsAppOptions> options,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var body = await ReadBoundedAsync(request, options.Value.MaxWebhookBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(title: "Payload too large", detail: $"At most {options.Value.MaxWebhookBytes} bytes.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var signature = request.Headers[WhatsAppSignature.Header].ToString();
        if (signature.Length == 0) return InvalidSignature();

        var notification = WhatsAppNotification.Parse(body, out var field, out var reason);
        if (notification is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] });

        // The account is found before the signature is checked: its app secret is the key.
        string[] numbers = [.. notification.PhoneNumberIds];
        var anyNumber = numbers.Length == 0;
        var candidates = new List<ChannelAccount>();
        if (anyNumber) candidates.AddRange(await directory.AllAsync(WhatsAppKind, MaxAccounts, cancellationToken));
        foreach (var number in numbers) candidates.AddRange(await directory.FindAsync(WhatsAppKind, number, cancellationToken));
        if (candidates.Count < numbers.Length)
        {
            // Which numbers exist is told only to a sender who signs as one of our WhatsApp apps; anyone else learns
            // nothing from the answer (401, as for a known number with a wrong signature).
            var ours = await directory.AllAsync(WhatsAppKind, MaxAccounts, cancellationToken);
            return ours.Any(a => WhatsAppSignature.IsValid(body, signature, a.Secret("appSecret")))
                ? TypedResults.Problem(title: "Unknown WhatsApp number", detail: "No WhatsApp account takes webhooks for this business number.",
                    statusCode: StatusCodes.Status404NotFound)
                : InvalidSignature();
        }

        var signed = !anyNumber
            ? candidates.All(a => WhatsAppSignature.IsValid(body, signature, a.Secret("appSecret")))
            // Nothing for a number (a change of another kind): any WhatsApp app of ours may have sent it.
            : candidates.Any(a => WhatsAppSignature.IsValid(body, signature, a.Secret("appSecret")));
        if (!signed) return InvalidSignature();

        var accounts = candidates.ToDictionary(a => a.Address, StringComparer.Ordinal);
        var (created, repeated, reported, unresolved) = (0, 0, 0, 0);
        foreach (var change in notification.Changes)
        {
            var account = accounts[change.PhoneNumberId];
            foreach (var message in change.Value.Messages ?? [])
            {
                // The whole notification is what Meta sent; each message of it keeps it (almost always one a notification).
                var (_, isNew) = await inbound.AcceptAsync(
                    WhatsAppInbound.ToInbound(message!, change.Value, account.Id) with { Raw = new InboundRaw("application/json", body) }, cancellationToken);
                if (isNew) created++;
                else repeated++;
            }
            foreach (var status in change.Value.Statuses ?? [])
            {
                if (WhatsAppInbound.ToDeliveryStatus(status!.Status!) is not { } state) continue;
                var failure = WhatsAppInbound.FailureReason(status);
                var applied = await statuses.ReportAsync(AccountKinds.WhatsApp, status.Id!, state, failure, cancellationToken);
                // Meta can report on a message before the dispatcher has committed its wamid (a batch waits for its
                // slowest send). While a message to that recipient is still being handed over, wait a little, then
                // let Meta deliver the webhook again rather than lose the report.
                for (var waited = TimeSpan.Zero; !applied && waited < options.Value.StatusRaceWait
                     && await SendingToAsync(db, account.Id, status.RecipientId, cancellationToken); waited += StatusRacePoll)
                {
                    await Task.Delay(StatusRacePoll, clock, cancellationToken);
                    applied = await statuses.ReportAsync(AccountKinds.WhatsApp, status.Id!, state, failure, cancellationToken);
                }
                if (applied) reported++;
                // Otherwise a status for a message Omni did not send (from Meta's own tools, say): nothing to update.
                else if (await SendingToAsync(db, account.Id, status.RecipientId, cancellationToken)) unresolved++;
            }
        }

        Activity.Current?.SetTag("omni.channel", AccountKinds.WhatsApp);
        Activity.Current?.SetTag("omni.whatsapp.messages.new", created);
        loggers.CreateLogger(typeof(WhatsAppWebhooks)).LogInformation(
            "WhatsApp webhook for account(s) {AccountIds}: {Created} new message(s), {Repeated} repeat(s), {Reported} status report(s), {Unresolved} to redeliver",
            string.Join(",", candidates.Select(a => a.Id)), created, repeated, reported, unresolved);
        if (unresolved > 0)
        {
            request.HttpContext.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(title: "Try again later", detail: "A status refers to a message still being handed over.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return TypedResults.Ok();
    }

    private static readonly TimeSpan StatusRacePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether a message to this WhatsApp user is queued on the account (being handed over, or waiting to be).</summary>
    private static Task<bool> SendingToAsync(ChannelDbContext db, Guid accountId, string? recipientWaId, CancellationToken cancellationToken) =>
        db.Messages.AsNoTracking().AnyAsync(m => m.Direction == MessageDirection.Outbound && m.Channel == AccountKinds.WhatsApp
            && m.AccountId == accountId && m.Status == MessageStatus.Queued
            && (recipientWaId == null || m.SenderAddress == "+" + recipientWaId), cancellationToken);

    /// <summary>The raw body (the signature covers these exact bytes), or null when it is longer than allowed.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
