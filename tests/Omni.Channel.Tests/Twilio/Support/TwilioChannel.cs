using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Twilio.Security;
using Xunit;

namespace Omni.Channel.Tests.Twilio.Support;

/// <summary>A Twilio number as the tests set it up through the channel's accounts API.</summary>
public sealed record TwilioNumber(Guid AccountId, string Kind, string Number, string AccountSid, string AuthToken);

/// <summary>
/// The channel service as a deployment behind a gateway runs it: with a public base address Twilio signs against
/// (<see cref="PublicBase"/>), on a database of its own (so the fixture's channel never picks up its work), reaching
/// the fixture's identity. Routing is a stand-in (<see cref="Routing"/>) that knows only the conversations a test scripts
/// and is unavailable for every other customer, as during a routing outage.
/// One per fixture, started on first use and disposed with the fixture's channel (the routing stand-in with the process).
/// </summary>
public sealed class TwilioChannel
{
    public const string PublicBase = "https://support.omni.example";

    private static readonly ConditionalWeakTable<ChannelServiceFixture, TwilioChannel> Instances = new();

    private TwilioChannel(ChannelServiceFixture fixture)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(fixture.Infrastructure.ConnectionStrings["channel-db"])
        {
            Database = "channel_twilio_" + Guid.NewGuid().ToString("N")[..8],
        }.ConnectionString;
        Database = new TwilioDatabase(connectionString);
        Routing = RoutingStandIn.StartAsync().GetAwaiter().GetResult();
        Factory = fixture.Channel.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:channel-db", connectionString);
            // A deployment of its own: its own queues, so it never takes the fixture channel's commands and events.
            builder.UseSetting("Channel:QueuePrefix", "channel-twilio-tests");
            builder.UseSetting("Channel:PublicBaseUrl", PublicBase);
            builder.UseSetting("Omni:RoutingGrpc", Routing.Address);
            // A brisk first retry keeps the retry test short; the backoff itself is the production one.
            builder.UseSetting("Channel:Outbound:FirstRetryDelay", "00:00:00.200");
        });
    }

    /// <summary>The channel service of the fixture's run, configured as behind a gateway.</summary>
    public static TwilioChannel Of(ChannelServiceFixture fixture) => Instances.GetValue(fixture, f => new TwilioChannel(f));

    public WebApplicationFactory<ChannelGrpcService> Factory { get; }

    public TwilioDatabase Database { get; }

    /// <summary>Routing as the voice greeting asks it where a caller's conversation stands.</summary>
    public RoutingStandIn Routing { get; }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>Adds a Twilio number (an account of <paramref name="kind"/>) with fresh credentials through the accounts API.</summary>
    public async Task<TwilioNumber> AddNumberAsync(string kind = AccountKinds.Sms, string? apiBaseUrl = null,
        IReadOnlyDictionary<string, string>? secrets = null)
    {
        using var http = CreateClient();
        var number = NewTwilioNumber();
        var accountSid = "AC" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        var authToken = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var settings = new Dictionary<string, string> { ["accountSid"] = accountSid };
        if (apiBaseUrl is not null) settings["apiBaseUrl"] = apiBaseUrl;
        var allSecrets = new Dictionary<string, string>(secrets ?? new Dictionary<string, string>()) { ["authToken"] = authToken };

        var response = await http.PostAsJsonAsync("/api/v1/channel-accounts",
            new { kind, name = $"Twilio {kind} {number}", address = number, settings, secrets = allSecrets });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = (await response.Content.ReadFromJsonAsync<AccountDto>())!;
        return new TwilioNumber(account.Id, kind, number, accountSid, authToken);
    }

    /// <summary>A Dutch 097 number (the range Dutch providers use for machine-to-machine and app numbers) nobody has yet.</summary>
    public static string NewTwilioNumber() => "+3197" + RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000);

    /// <summary>A Dutch mobile number in E.164, as Twilio writes the sender.</summary>
    public static string NewDutchMobile() => "+31" + Inbound.NewDutchMobile()[1..];

    /// <summary>A message id as Twilio makes them: SM + 32 hex digits.</summary>
    public static string NewSid(string prefix) => prefix + RandomNumberGenerator.GetHexString(32, lowercase: true);
}

/// <summary>Posts webhooks as Twilio does: form-encoded, signed over the public URL and the sorted parameters.</summary>
public static class TwilioWebhooks
{
    /// <summary>
    /// Twilio's signature: base64 of HMAC-SHA1 (or HMAC-SHA256 with a SharedKey) over the full URL followed by every POST
    /// parameter's name and value, sorted by name. Checked against the Twilio library's own validator before use.
    /// </summary>
    public static string Sign(string secret, string url, IReadOnlyDictionary<string, string> form, string algorithm = "HMAC_SHA1")
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        var key = Encoding.UTF8.GetBytes(secret);
        var bytes = Encoding.UTF8.GetBytes(data.ToString());
        var signature = Convert.ToBase64String(algorithm == RequestValidator.HmacSha256 ? HMACSHA256.HashData(key, bytes) : HMACSHA1.HashData(key, bytes));
        Assert.True(new RequestValidator(secret).Validate(url, form.ToDictionary(), signature, algorithm),
            "The Twilio library does not accept the test's signature");
        return signature;
    }

    /// <summary>Posts <paramref name="form"/> to <paramref name="path"/>, signed for the public URL with <paramref name="secret"/> (unsigned when null).</summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(this HttpClient http, string path, IReadOnlyDictionary<string, string> form,
        string? secret, string? signedUrl = null, IReadOnlyDictionary<string, string>? headers = null, string algorithm = "HMAC_SHA1")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (secret is not null)
        {
            request.Headers.Add("X-Twilio-Signature", Sign(secret, signedUrl ?? TwilioChannel.PublicBase + path, form, algorithm));
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        return await http.SendAsync(request);
    }

    /// <summary>An incoming SMS as Twilio's Messaging webhook posts it.</summary>
    public static Dictionary<string, string> Sms(TwilioNumber to, string from, string body, string? messageSid = null) => new()
    {
        ["ToCountry"] = "NL",
        ["SmsMessageSid"] = messageSid ??= TwilioChannel.NewSid("SM"),
        ["NumMedia"] = "0",
        ["SmsSid"] = messageSid,
        ["SmsStatus"] = "received",
        ["Body"] = body,
        ["To"] = to.Number,
        ["NumSegments"] = "1",
        ["MessageSid"] = messageSid,
        ["AccountSid"] = to.AccountSid,
        ["From"] = from,
        ["FromCountry"] = "NL",
        ["ApiVersion"] = "2010-04-01",
    };

    /// <summary>A call as Twilio's Voice webhook posts it.</summary>
    public static Dictionary<string, string> Call(TwilioNumber to, string from, string callSid, string status = "ringing") => new()
    {
        ["AccountSid"] = to.AccountSid,
        ["ApiVersion"] = "2010-04-01",
        ["CallSid"] = callSid,
        ["CallStatus"] = status,
        ["Called"] = to.Number,
        ["Caller"] = from,
        ["Direction"] = "inbound",
        ["From"] = from,
        ["To"] = to.Number,
    };
}
