using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omni.Testing;

namespace Omni.Channel.Tests.WhatsApp;

/// <summary>One request the stand-in received, and the message id it answered with (when it accepted).</summary>
public sealed record GraphRequest(string Method, string Path, string? Authorization, string? ContentType, string Body, int AnsweredStatus, string? AnsweredWamid)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>A file the stand-in keeps, as Meta keeps a customer's media: its bytes, type and what Meta says of its size.</summary>
public sealed record StoredMedia(byte[] Content, string MimeType, long? DeclaredSize, int FailFirst);

/// <summary>
/// A local stand-in for Meta's Graph API (tests only): a real HTTP server on a free loopback port that takes
/// <c>POST /{version}/{phone-number-id}/messages</c>, records every request and answers as the Cloud API does — a
/// message id, or the status and error body a test scripted for the next requests. It also serves customers' media as
/// the Cloud API does: <c>GET /{version}/{media-id}</c> answers where the file is (<c>url</c>, <c>mime_type</c>,
/// <c>sha256</c>, <c>file_size</c>), and a <c>GET</c> of that address answers the bytes; both want the bearer token.
/// </summary>
public sealed class GraphApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GraphRequest> _received = new();
    private readonly ConcurrentQueue<(HttpStatusCode Status, object Body)> _scripted = new();
    private readonly ConcurrentQueue<(Task Release, string Wamid)> _held = new();
    private readonly ConcurrentDictionary<string, StoredMedia> _media = new();
    private readonly ConcurrentDictionary<string, int> _downloads = new();

    private GraphApiStandIn(WebApplication app) => _app = app;

    /// <summary>Where it listens, e.g. http://127.0.0.1:40123 (the account's apiBaseUrl).</summary>
    public string BaseAddress { get; private set; } = "";

    public IReadOnlyList<GraphRequest> Received => _received.ToList();

    public static async Task<GraphApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing of the test process's configuration (the services' appsettings sit beside it) reaches the stand-in.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new GraphApiStandIn(app);
        app.MapPost("/{version}/{phoneNumberId}/messages", standIn.AnswerAsync);
        app.MapGet("/{version}/{mediaId}", standIn.DescribeMediaAsync);
        app.MapGet("/media/{mediaId}", standIn.DownloadMediaAsync);
        await app.StartAsync();
        standIn.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return standIn;
    }

    /// <summary>
    /// Keeps a file under <paramref name="mediaId"/> for the token <paramref name="accessToken"/>; its first
    /// <paramref name="failFirst"/> downloads answer 500; <paramref name="declaredSize"/> is what Meta says of its size.
    /// </summary>
    public void KeepMedia(string mediaId, byte[] content, string mimeType, string accessToken, long? declaredSize = null, int failFirst = 0)
    {
        _media[mediaId] = new StoredMedia(content, mimeType, declaredSize, failFirst);
        _tokens[mediaId] = accessToken;
    }

    private readonly ConcurrentDictionary<string, string> _tokens = new();

    /// <summary>The next request gets this answer instead of a message id (queued: call again for the one after).</summary>
    public void ThenAnswer(HttpStatusCode status, object body) => _scripted.Enqueue((status, body));

    /// <summary>The next request is recorded at once but accepted (with <paramref name="wamid"/>) only when <paramref name="release"/> completes.</summary>
    public void HoldNextAnswer(string wamid, Task release) => _held.Enqueue((release, wamid));

    /// <summary>Meta's error shape: <c>{ "error": { "message", "type", "code", "error_data": { "details" }, "fbtrace_id" } }</c>.</summary>
    public static object GraphError(int code, string message, string details) => new
    {
        error = new { message, type = "OAuthException", code, error_data = new { messaging_product = "whatsapp", details }, fbtrace_id = "AbCdEf123" },
    };

    public Task<GraphRequest> WaitForRequestAsync(Func<GraphRequest, bool> match, string what) =>
        Eventually.Get(() => Task.FromResult(_received.FirstOrDefault(match)), what);

    private async Task<IResult> AnswerAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var held = _held.TryDequeue(out var hold) ? hold : default;
        var (status, answer, wamid) = _scripted.TryDequeue(out var scripted)
            ? (scripted.Status, scripted.Body, (string?)null)
            : Accepted(body, held.Wamid);
        _received.Enqueue(new GraphRequest(request.Method, request.Path, request.Headers.Authorization.ToString(),
            request.ContentType, body, (int)status, wamid));
        if (held.Release is not null) await held.Release;
        return Results.Json(answer, statusCode: (int)status);
    }

    private IResult DescribeMediaAsync(HttpRequest request, string mediaId)
    {
        Record(request, StatusCodes.Status200OK);
        if (!_media.TryGetValue(mediaId, out var media)) return Results.Json(GraphError(100, "Invalid parameter", "Unknown media id"), statusCode: 404);
        if (request.Headers.Authorization.ToString() != "Bearer " + _tokens[mediaId]) return Results.Json(GraphError(190, "Invalid OAuth access token", ""), statusCode: 401);
        return Results.Json(new
        {
            messaging_product = "whatsapp",
            url = $"{BaseAddress}/media/{mediaId}",
            mime_type = media.MimeType,
            sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(media.Content)),
            file_size = (media.DeclaredSize ?? media.Content.LongLength).ToString(),
            id = mediaId,
        });
    }

    private IResult DownloadMediaAsync(HttpRequest request, string mediaId)
    {
        Record(request, StatusCodes.Status200OK);
        if (!_media.TryGetValue(mediaId, out var media)) return Results.NotFound();
        if (request.Headers.Authorization.ToString() != "Bearer " + _tokens[mediaId]) return Results.StatusCode(401);
        if (_downloads.AddOrUpdate(mediaId, 1, (_, n) => n + 1) <= media.FailFirst) return Results.StatusCode(500);
        return Results.Bytes(media.Content, media.MimeType);
    }

    private void Record(HttpRequest request, int status) =>
        _received.Enqueue(new GraphRequest(request.Method, request.Path, request.Headers.Authorization.ToString(), request.ContentType, "", status, null));

    private static (HttpStatusCode, object, string?) Accepted(string body, string? wamid)
    {
        var to = JsonDocument.Parse(body).RootElement.GetProperty("to").GetString();
        wamid ??= MetaWebhook.NewWamid();
        return (HttpStatusCode.OK, new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = to, wa_id = to } },
            messages = new[] { new { id = wamid, message_status = "accepted" } },
        }, wamid);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
