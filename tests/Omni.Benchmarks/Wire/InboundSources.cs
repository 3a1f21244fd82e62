using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Benchmarks.Wire;

/// <summary>Where the wire benchmark's messages come from: one delivery per call, each with an external id of the run.</summary>
internal interface IInboundSource : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Delivers message <paramref name="n"/> of <paramref name="run"/>; true when it was acknowledged as the source expects.</summary>
    Task<bool> SendAsync(string run, int n);

    /// <summary>A SQL LIKE pattern that matches the external ids of the run's messages, and nothing else.</summary>
    string ExternalIdPattern(string run);
}

/// <summary>A front-end posting customers' messages to <c>POST /api/v1/messages</c> (202 expected).</summary>
internal sealed class ApiSource(HttpClient http, int customers) : IInboundSource
{
    public string Description => "POST /api/v1/messages";

    public async Task<bool> SendAsync(string run, int n)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/messages", new
        {
            channel = "api",
            from = new { kind = "email", address = $"bench.{run}.{n % customers}@example.nl" },
            text = $"Message {n}: where is my order?",
            externalId = $"{run}-{n}",
        });
        return response.StatusCode == HttpStatusCode.Accepted;
    }

    public string ExternalIdPattern(string run) => $"{run}-%";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// Twilio delivering customers' texts to one number: its Messaging webhook, form-encoded with the fields Twilio sends,
/// signed with <c>X-Twilio-Signature</c> = base64(HMAC-SHA1(auth token, URL + the parameters' names and values sorted
/// by name)) over the gateway's URL, which is the deployment's public address. 200 with TwiML expected.
/// The number's REST API is a stand-in in this process that accepts every text (201 and a sid), so what Omni sends back
/// (the bot's answers, notices) leaves as it would through Twilio, without a network.
/// </summary>
internal sealed class TwilioSmsSource : IInboundSource
{
    private WebApplication? _api;
    private const string Path = "/webhooks/twilio/sms";
    private readonly HttpClient _http;
    private readonly string _url;
    private readonly string _number;
    private readonly string _accountSid;
    private readonly byte[] _authToken;
    private readonly int _customers;
    private readonly int _firstCustomer = RandomNumberGenerator.GetInt32(10_000_000, 50_000_000 - 10_000);

    private TwilioSmsSource(HttpClient http, string number, string accountSid, string authToken, int customers)
    {
        _http = http;
        _url = http.BaseAddress!.GetLeftPart(UriPartial.Authority) + Path;
        _number = number;
        _accountSid = accountSid;
        _authToken = Encoding.UTF8.GetBytes(authToken);
        _customers = customers;
    }

    public string Description => "Twilio's signed SMS webhook, POST /webhooks/twilio/sms";

    /// <summary>A Twilio number with fresh credentials, added through the gateway as an admin would.</summary>
    public static async Task<TwilioSmsSource> CreateAsync(HttpClient http, AuthenticationHeaderValue admin, int customers)
    {
        var api = await StartApiAsync();
        var number = "+3197" + RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000);
        var accountSid = "AC" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        var authToken = RandomNumberGenerator.GetHexString(32, lowercase: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/channel-accounts")
        {
            Content = JsonContent.Create(new
            {
                kind = "sms", name = "Benchmark number", address = number,
                settings = new Dictionary<string, string> { ["accountSid"] = accountSid, ["apiBaseUrl"] = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() },
                secrets = new Dictionary<string, string> { ["authToken"] = authToken },
            }),
        };
        request.Headers.Authorization = admin;
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Adding the Twilio number answered {(int)response.StatusCode}");
        return new TwilioSmsSource(http, number, accountSid, authToken, customers) { _api = api };
    }

    private static async Task<WebApplication> StartApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", () =>
            Results.Json(new { sid = "SM" + RandomNumberGenerator.GetHexString(32, lowercase: true), status = "queued" }, statusCode: 201));
        await app.StartAsync();
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null) await _api.DisposeAsync();
    }

    public async Task<bool> SendAsync(string run, int n)
    {
        // MessageSid as Twilio writes them: SM and 32 hex digits; here the run's 8 and the message's number in 24.
        var sid = $"SM{run}{n:x24}";
        var form = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = _accountSid,
            ["ApiVersion"] = "2010-04-01",
            ["Body"] = $"Bericht {n}: waar blijft mijn bestelling?",
            ["From"] = "+316" + (_firstCustomer + n % _customers),
            ["FromCountry"] = "NL",
            ["MessageSid"] = sid,
            ["NumMedia"] = "0",
            ["NumSegments"] = "1",
            ["SmsMessageSid"] = sid,
            ["SmsSid"] = sid,
            ["SmsStatus"] = "received",
            ["To"] = _number,
            ["ToCountry"] = "NL",
        };
        var signed = new StringBuilder(_url);
        foreach (var (name, value) in form) signed.Append(name).Append(value);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(HMACSHA1.HashData(_authToken, Encoding.UTF8.GetBytes(signed.ToString()))));
        using var response = await _http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public string ExternalIdPattern(string run) => $"SM{run}%";
}
