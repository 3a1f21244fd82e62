using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Omni.Channel.Tests.Twilio.Support;

/// <summary>One call the stand-in received, as Twilio would see it.</summary>
public sealed record TwilioApiCall(string Path, string? Authorization, string? ContentType, IReadOnlyDictionary<string, string> Form);

/// <summary>An answer the stand-in gives: a status and Twilio's JSON.</summary>
public sealed record TwilioApiAnswer(HttpStatusCode Status, object Body)
{
    public static TwilioApiAnswer Created(string sid) => new(HttpStatusCode.Created, new { sid, status = "queued" });

    public static TwilioApiAnswer Error(HttpStatusCode status, int code, string message) =>
        new(status, new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status = (int)status });
}

/// <summary>
/// Stands in for Twilio's REST API on a loopback port for the tests: records every call to
/// <c>/2010-04-01/Accounts/{sid}/Messages.json</c> and answers from a script (then 201 with a fresh sid). It also serves
/// an MMS's media as Twilio does with media authentication on: <c>GET …/Messages/{sid}/Media/{media sid}</c> wants basic
/// auth with the account's SID and token and redirects (307) to where the file is kept, which serves it to anyone.
/// </summary>
public sealed class TwilioApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TwilioApiAnswer> _script;
    private readonly ConcurrentQueue<TwilioApiCall> _calls = new();
    private readonly ConcurrentDictionary<string, (byte[] Content, string ContentType, string Authorization)> _media = new();
    private readonly ConcurrentQueue<TwilioApiCall> _mediaCalls = new();

    private TwilioApiStandIn(WebApplication app, IEnumerable<TwilioApiAnswer> script)
    {
        _app = app;
        _script = new ConcurrentQueue<TwilioApiAnswer>(script);
    }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<TwilioApiCall> Calls => _calls.ToList();

    /// <summary>Every media request, Twilio's API and the file store it redirects to, in order.</summary>
    public IReadOnlyList<TwilioApiCall> MediaCalls => _mediaCalls.ToList();

    /// <summary>Keeps a file of an MMS to the number; returns its MediaUrl as Twilio's webhook gives it.</summary>
    public string KeepMedia(TwilioNumber number, string messageSid, byte[] content, string contentType)
    {
        var mediaSid = TwilioChannel.NewSid("ME");
        _media[mediaSid] = (content, contentType,
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{number.AccountSid}:{number.AuthToken}")));
        return $"{BaseUrl}/2010-04-01/Accounts/{number.AccountSid}/Messages/{messageSid}/Media/{mediaSid}";
    }

    /// <summary>The sids the stand-in gave out, in order.</summary>
    public ConcurrentQueue<string> IssuedSids { get; } = new();

    public static async Task<TwilioApiStandIn> StartAsync(params TwilioApiAnswer[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Only the port given here: the test directory's appsettings.json names the channel service's ports.
        ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new TwilioApiStandIn(app, script);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", standIn.HandleAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{messageSid}/Media/{mediaSid}", (HttpRequest request, string mediaSid) =>
        {
            standIn._mediaCalls.Enqueue(new TwilioApiCall(request.Path, request.Headers.Authorization.ToString(), null, new Dictionary<string, string>()));
            if (!standIn._media.TryGetValue(mediaSid, out var media)) return Results.NotFound();
            if (request.Headers.Authorization.ToString() != media.Authorization) return Results.StatusCode(401);
            return Results.Redirect($"/files/{mediaSid}", permanent: false, preserveMethod: true);
        });
        app.MapGet("/files/{mediaSid}", (HttpRequest request, string mediaSid) =>
        {
            standIn._mediaCalls.Enqueue(new TwilioApiCall(request.Path, request.Headers.Authorization.ToString(), null, new Dictionary<string, string>()));
            return standIn._media.TryGetValue(mediaSid, out var media) ? Results.Bytes(media.Content, media.ContentType) : Results.NotFound();
        });
        await app.StartAsync();
        standIn.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString())
            : new Dictionary<string, string>();
        _calls.Enqueue(new TwilioApiCall(context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.ContentType, form));

        if (!_script.TryDequeue(out var answer))
        {
            var sid = TwilioChannel.NewSid("SM");
            answer = TwilioApiAnswer.Created(sid);
        }
        if (answer is { Status: HttpStatusCode.Created } && JsonSerializer.SerializeToElement(answer.Body).TryGetProperty("sid", out var issued))
        {
            IssuedSids.Enqueue(issued.GetString()!);
        }
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer.Body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
