using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Data;
using Omni.Channel.Messages;

namespace Omni.Channel.WebChat;

public sealed record WebChatUser(string? Id, string? Hash);

/// <summary>The widget starting (or resuming) a chat; <c>user</c> when the website vouches for its logged-in user.</summary>
public sealed record SessionRequest(string? Site, string? VisitorToken, WebChatUser? User);

public sealed record WebChatLimits(int MaxTextLength, long MaxAttachmentBytes, IReadOnlyList<string> AttachmentTypes);

/// <summary>
/// The token the widget keeps and sends on the hub; the customer the chat belongs to (null while identity is away);
/// whether the website's login proof checked out; the limits the widget checks before sending.
/// </summary>
public sealed record SessionResponse(string VisitorToken, Guid? CustomerId, bool Verified, WebChatLimits Limits);

public static class WebChatApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Room for the multipart framing and a caption around the file itself.
    private const long FormOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapWebChatApi(this IEndpointRouteBuilder app)
    {
        var webChat = app.MapGroup("/api/v1/webchat").WithTags("Web chat");

        webChat.MapPost("/sessions", StartSession)
            .Accepts<SessionRequest>("application/json")
            .WithName("StartWebChatSession")
            .WithSummary("Gives the widget a visitor token (a new one unless it sends its own) for a site, and the customer behind it. " +
                         "With user { id, hash } (hex HMAC-SHA256 of the id under the site's secret) the chat continues as that verified user.");

        webChat.MapPost("/attachments", Upload)
            .RequireAuthorization(VisitorAuthentication.Policy)
            .WithName("UploadWebChatAttachment")
            .WithSummary("A visitor's file (multipart: file, optional text and clientMessageId; ?site=… and the visitor token) " +
                         "as a message of its own. Images and PDF up to 5 MB by default: larger → 413, other types → 415.");

        webChat.MapGet("/attachments/{id:guid}", Download)
            .RequireAuthorization(VisitorAuthentication.Policy)
            .WithName("DownloadWebChatAttachment")
            .WithSummary("The bytes of an attachment in the visitor's conversation.");

        app.MapHub<ChatHub>(ChatHub.Path);
        app.MapAgentTyping();
        return app;
    }

    private static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> StartSession(
        HttpRequest http, WebChatSites sites, VisitorCustomers customers, IOptions<WebChatOptions> options, CancellationToken cancellationToken)
    {
        SessionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<SessionRequest>(http.Body, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Invalid(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'), "Not valid JSON.");
        }
        if (request is null) return Invalid("body", "A JSON object is required.");

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Site)) errors["site"] = ["Required: the site key the widget is embedded with."];
        if (request.VisitorToken is { } given && !VisitorToken.IsWellFormed(given)) errors["visitorToken"] = ["Malformed; leave it out to get a new one."];
        if (request.User is { } user)
        {
            if (string.IsNullOrWhiteSpace(user.Id) || user.Id.Length > 200 || user.Id.Any(char.IsControl)) errors["user.id"] = ["Required, 1–200 characters."];
            if (user.Hash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit)) errors["user.hash"] = ["Required: lower-case hex HMAC-SHA256 of the user id (64 characters)."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var site = await sites.FindAsync(request.Site, cancellationToken);
        if (site is null) return TypedResults.Problem(title: "Unknown site", detail: "No web chat is set up for this site key.", statusCode: StatusCodes.Status404NotFound);

        var token = request.VisitorToken ?? VisitorToken.New();
        var customerId = await customers.ResolveAsync(VisitorToken.VisitorId(token), cancellationToken);
        var verified = false;
        if (request.User is { } login && customerId is { } visitorCustomer)
        {
            (verified, customerId) = await customers.VerifyAsync(site.Site, login.Id!.Trim(), login.Hash!.ToLowerInvariant(), visitorCustomer, cancellationToken);
        }

        var limits = options.Value;
        return TypedResults.Ok(new SessionResponse(token, customerId, verified,
            new WebChatLimits(MessagesApi.MaxTextLength, limits.MaxAttachmentBytes, limits.AttachmentTypes)));
    }

    private static async Task<Results<Accepted<WebChatMessage>, Ok<WebChatMessage>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, InboundMessages inbound, ChannelDbContext db, IOptions<WebChatOptions> options, IHubContext<ChatHub> hub,
        VisitorCustomers customers, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var request = http.Request;
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Unsupported media type", detail: "Send the file as multipart/form-data (field \"file\").",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        if (request.ContentLength > limits.MaxAttachmentBytes + FormOverhead) return TooLarge(limits);
        // A body without a length (chunked) is cut off where it passes the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = limits.MaxAttachmentBytes + FormOverhead;

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limits.MaxAttachmentBytes + FormOverhead }, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return TooLarge(limits);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }

        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) return Invalid("file", "Required: one non-empty file.");
        if (file.Length > limits.MaxAttachmentBytes) return TooLarge(limits);
        var contentType = (file.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!limits.AttachmentTypes.Contains(contentType, StringComparer.Ordinal)) return Unsupported(limits);

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        if (!AttachmentTypes.ContentMatches(contentType, content)) return Unsupported(limits);

        var text = form["text"].ToString();
        if (text.Length > MessagesApi.MaxTextLength) return Invalid("text", $"At most {MessagesApi.MaxTextLength} characters.");
        var clientMessageId = form["clientMessageId"].ToString().Trim();
        if (clientMessageId.Length > 100 || clientMessageId.Any(char.IsControl)) return Invalid("clientMessageId", "At most 100 characters.");
        if (clientMessageId.Length == 0) clientMessageId = Guid.CreateVersion7().ToString();

        var visitor = Visitor.From(http.User);
        var fileName = AttachmentTypes.SafeFileName(file.FileName, contentType);
        var (message, created) = await inbound.AcceptAsync(
            ChatHub.ToInbound(visitor, string.IsNullOrWhiteSpace(text) ? fileName : text, clientMessageId,
                [new InboundAttachment(fileName, contentType, content.Length, content, null)]),
            cancellationToken);

        if (!created)
        {
            var stored = await db.Attachments.AsNoTracking().Where(a => a.MessageId == message.Id).OrderBy(a => a.Id)
                .Select(a => new WebChatAttachment(a.Id, a.FileName, a.ContentType, a.Size)).ToListAsync(cancellationToken);
            return TypedResults.Ok(WebChatMessage.Of(message, stored));
        }
        var shown = WebChatMessage.Of(message);
        // The visitor's open pages show it (the uploading page has it from this answer and ignores the repeat).
        var customerId = await customers.ResolveAsync(visitor.Id, cancellationToken);
        await hub.Clients.Group(WebChatGroups.For(visitor, customerId)).SendAsync(WebChatEvents.Message, shown, cancellationToken);
        return TypedResults.Accepted($"/api/v1/messages/{message.Id}", shown);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> Download(
        Guid id, HttpContext http, ChannelDbContext db, WebChatHistory history, VisitorCustomers customers, CancellationToken cancellationToken)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (attachment?.Content is null) return TypedResults.NotFound();
        var visitor = Visitor.From(http.User);
        if (!await history.MayReadAsync(visitor, null, attachment.MessageId, cancellationToken)
            && !await history.MayReadAsync(visitor, await customers.ResolveAsync(visitor.Id, cancellationToken), attachment.MessageId, cancellationToken))
        {
            // Not the visitor's: as if it did not exist.
            return TypedResults.NotFound();
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(attachment.Content, attachment.ContentType, attachment.FileName);
    }

    private static ProblemHttpResult TooLarge(WebChatOptions limits) => TypedResults.Problem(
        title: "Attachment too large", detail: $"An attachment may be at most {limits.MaxAttachmentBytes / 1024 / 1024.0:0.#} MB.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static ProblemHttpResult Unsupported(WebChatOptions limits) => TypedResults.Problem(
        title: "Unsupported attachment type", detail: $"Attachments may be: {string.Join(", ", limits.AttachmentTypes)}.",
        statusCode: StatusCodes.Status415UnsupportedMediaType);

    private static ValidationProblem Invalid(string field, string reason) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] });
}
