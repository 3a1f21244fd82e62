using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;

namespace Omni.Channel.Messages;

public sealed record SenderDto(string? Kind, string? Address);

/// <summary>An inbound message posted by a client of the API (a front-end, a partner, a test).</summary>
public sealed record PostMessageRequest(string? Channel, SenderDto? From, string? Text, string? ExternalId);

public sealed record MessageDto(
    Guid Id,
    string Channel,
    string Direction,
    SenderDto From,
    string Text,
    string? ExternalId,
    DateTimeOffset ReceivedAt,
    Guid? CustomerId,
    string Status,
    string? StatusReason,
    string? Sender,
    IReadOnlyList<string> Actions,
    IReadOnlyList<AttachmentDto> Attachments,
    DateTimeOffset? ErasedAt);

/// <summary>
/// A file of a message. <c>state</c>: <c>stored</c> (the bytes are at <c>GET /api/v1/messages/{id}/attachments/{attachmentId}</c>),
/// <c>pending</c> (still to be fetched from the provider), <c>refused</c> (over the size limit or of a type not kept, with the
/// reason) or <c>failed</c> (the provider did not hand it over).
/// </summary>
public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, string State, string? StateReason);

public static class MessagesApi
{
    public const int MaxTextLength = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] SenderKinds = ["email", "phone", "whatsapp", "web-visitor", "external", "social"];

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/v1/messages").WithTags("Messages");

        messages.MapPost("/", PostMessage)
            .Accepts<PostMessageRequest>("application/json")
            .WithName("PostInboundMessage")
            .WithSummary("Accepts a customer's message. Answers 202 at once; the sender is resolved and routing told afterwards. " +
                         "A repeat with the same externalId (or Idempotency-Key header) answers 200 with the message stored first.");

        messages.MapGet("/{id:guid}", GetMessage)
            .WithName("GetMessage")
            .WithSummary("One message with its status: pending (sender not yet resolved), received or rejected (with the reason); " +
                         "outbound: queued, sent, delivered, read or failed. Lists its attachments (not their bytes).");

        messages.MapGet("/{id:guid}/attachments/{attachmentId:guid}", GetAttachment)
            .WithName("GetMessageAttachment")
            .WithSummary("The bytes of a stored attachment of the message (404 while it is pending, refused or failed).");

        return app;
    }

    private static async Task<Results<Accepted<MessageDto>, Ok<MessageDto>, ValidationProblem>> PostMessage(
        HttpRequest request, InboundMessages inbound, CancellationToken cancellationToken)
    {
        PostMessageRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<PostMessageRequest>(request.Body, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Invalid(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'), "Not valid JSON: " + FirstLine(ex.Message));
        }

        var errors = Validate(body, request.Headers["Idempotency-Key"].ToString(), out var message);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (stored, created) = await inbound.AcceptAsync(message!, cancellationToken);
        var dto = ToDto(stored);
        return created ? TypedResults.Accepted($"/api/v1/messages/{stored.Id}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<MessageDto>, NotFound>> GetMessage(Guid id, ChannelDbContext db, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null) return TypedResults.NotFound();
        // The listing only: the bytes come from the attachment's own address.
        var attachments = await db.Attachments.AsNoTracking().Where(a => a.MessageId == id).OrderBy(a => a.Id)
            .Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.State.ToString().ToLowerInvariant(), a.StateReason))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(ToDto(message) with { Attachments = attachments });
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetAttachment(
        Guid id, Guid attachmentId, HttpResponse response, ChannelDbContext db, CancellationToken cancellationToken)
    {
        var attachment = await db.Attachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && a.MessageId == id && a.Content != null, cancellationToken);
        if (attachment is null) return TypedResults.NotFound();
        // Whatever a customer sent is shown as a download, never rendered in the agent's page as the browser guesses.
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(attachment.Content!, attachment.ContentType, attachment.FileName);
    }

    private static Dictionary<string, string[]> Validate(PostMessageRequest? body, string idempotencyKey, out InboundMessage? message)
    {
        var errors = new Dictionary<string, string[]>();
        message = null;
        if (body is null)
        {
            errors["body"] = ["A JSON object is required."];
            return errors;
        }

        var channel = string.IsNullOrWhiteSpace(body.Channel) ? "api" : body.Channel.Trim().ToLowerInvariant();
        if (!Channels.All.Contains(channel)) errors["channel"] = [$"One of: {string.Join(", ", Channels.All)}."];

        var kind = body.From?.Kind?.Trim().ToLowerInvariant();
        if (body.From is null) errors["from"] = ["Required: the sender, as { kind, address }."];
        else if (string.IsNullOrEmpty(kind)) errors["from.kind"] = [$"Required; one of: {string.Join(", ", SenderKinds)}."];
        else if (!SenderKinds.Contains(kind)) errors["from.kind"] = [$"One of: {string.Join(", ", SenderKinds)}."];

        var address = body.From?.Address?.Trim();
        if (body.From is not null && string.IsNullOrEmpty(address)) errors["from.address"] = ["Required."];
        else if (address is { Length: > 320 }) errors["from.address"] = ["At most 320 characters."];

        if (string.IsNullOrWhiteSpace(body.Text)) errors["text"] = ["Required and not blank."];
        else if (body.Text.Length > MaxTextLength) errors["text"] = [$"At most {MaxTextLength} characters."];

        var externalId = string.IsNullOrWhiteSpace(body.ExternalId) ? NullIfEmpty(idempotencyKey) : body.ExternalId.Trim();
        if (externalId is { Length: > 200 }) errors["externalId"] = ["At most 200 characters."];

        if (errors.Count == 0) message = new InboundMessage(channel, kind!, address!, body.Text!, externalId);
        return errors;
    }

    private static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] });

    private static string FirstLine(string text) => text.Split('\n')[0].Split(" Path:")[0];

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static AttachmentDto ToDto(MessageAttachment a) =>
        new(a.Id, a.FileName, a.ContentType, a.Size, a.State.ToString().ToLowerInvariant(), a.StateReason);

    /// <summary>The message as the API shows it; attachments only when they were loaded with it.</summary>
    internal static MessageDto ToDto(Message m) => new(
        m.Id,
        m.Channel,
        m.Direction.ToString().ToLowerInvariant(),
        new SenderDto(m.SenderKind, m.SenderAddress),
        m.Text,
        m.ExternalId,
        m.ReceivedAt,
        m.CustomerId,
        m.Status.ToString().ToLowerInvariant(),
        m.StatusReason,
        m.Sender,
        Outbound.OutboundActions.Of(m.Metadata),
        m.Attachments.OrderBy(a => a.Id).Select(ToDto).ToList(),
        m.ErasedAt);
}
