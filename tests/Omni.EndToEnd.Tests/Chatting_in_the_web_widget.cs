using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>
/// A customer on a company's web page, in a real browser (Debian's headless chromium, driven by Playwright): the page
/// is served from another origin than the gateway and embeds the gateway's /widget.js, as a customer's site would.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class Chatting_in_the_web_widget(OmniSystem omni)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task A_visitor_writes_from_a_web_page_the_agent_sees_it_and_the_agents_reply_appears_in_the_widget()
    {
        var site = await NewSiteAsync();
        using var agent = await NewAgentAsync();
        await using var shop = await ShopPage.StartAsync(omni.Gateway.BaseAddress!, site);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync();

        // The visitor opens the chat on the shop's page and writes.
        await page.GotoAsync(shop.Address);
        await page.ClickAsync("[data-omni=launcher]");
        await page.FillAsync("[data-omni=input]", "Hello from the shop's page: where is order 4711?");
        await page.ClickAsync("[data-omni=send]");
        await Eventually.True(async () => await SentTextsAsync(page, "visitor") is ["Hello from the shop's page: where is order 4711?"],
            "the message shown as sent in the widget");

        // The agent finds it in the customer's conversation through the gateway.
        var token = await page.EvaluateAsync<string>($"localStorage.getItem('omni-chat:{site}:token')");
        var session = await (await omni.Gateway.PostAsJsonAsync("/api/v1/webchat/sessions", new { site, visitorToken = token }))
            .Content.ReadFromJsonAsync<WidgetSession>();
        var customerId = session!.CustomerId!.Value;
        var conversationId = (await Eventually.Get(async () =>
            (await agent.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customerId}"))!.SingleOrDefault(),
            "routing to open the visitor's conversation")).Id;
        var conversation = await Eventually.Get(async () =>
            await agent.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{conversationId}") is { Messages.Count: > 0 } c ? c : null,
            "the message in the conversation");
        // Beside it, possibly Omni's own notice to the customer (received, queued…), sent on the same channel.
        var written = Assert.Single(conversation.Messages, m => m.Direction == "inbound");
        Assert.Equal(("web", "Hello from the shop's page: where is order 4711?"), (written.Channel, written.Text));

        // The agent answers on web chat; the open widget shows it.
        var reply = await agent.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId, conversationId, channel = "web", text = "Hi! Order 4711 ships today." });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        await Eventually.True(async () => (await SentTextsAsync(page, "agent")).Contains("Hi! Order 4711 ships today."),
            "the agent's reply in the widget");

        // A photo goes up as a message of its own; a file over the limit is refused before it leaves the page.
        await page.SetInputFilesAsync("[data-omni=file]", new FilePayload { Name = "parcel.png", MimeType = "image/png", Buffer = OnePixelPng });
        await Eventually.True(async () => await page.Locator("[data-omni=message][data-id] [data-omni=attachment]").CountAsync() == 1,
            "the photo as a message with its attachment");
        await page.SetInputFilesAsync("[data-omni=file]", new FilePayload { Name = "huge.png", MimeType = "image/png", Buffer = new byte[6 * 1024 * 1024] });
        await Eventually.True(async () => await page.Locator("[data-omni=error]").IsVisibleAsync(), "the widget saying the file is too large");

        // A new visit to the page shows the whole conversation again, oldest first.
        await page.ReloadAsync();
        await page.ClickAsync("[data-omni=launcher]");
        await Eventually.True(async () => InOrder(await AllTextsAsync(page),
                "Hello from the shop's page: where is order 4711?", "Hi! Order 4711 ships today.", "parcel.png"),
            "the conversation after a reload, oldest first");
    }

    [Fact]
    public async Task The_agents_typing_shows_in_the_widget_and_quick_replies_are_buttons_that_send_their_text()
    {
        var site = await NewSiteAsync();
        using var agent = await NewAgentAsync();
        await using var shop = await ShopPage.StartAsync(omni.Gateway.BaseAddress!, site);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(shop.Address);
        await page.ClickAsync("[data-omni=launcher]");
        await page.FillAsync("[data-omni=input]", "Is my parcel on its way?");
        await page.ClickAsync("[data-omni=send]");
        await Eventually.True(async () => await SentTextsAsync(page, "visitor") is ["Is my parcel on its way?"], "the message sent");
        var token = await page.EvaluateAsync<string>($"localStorage.getItem('omni-chat:{site}:token')");
        var customerId = (await (await omni.Gateway.PostAsJsonAsync("/api/v1/webchat/sessions", new { site, visitorToken = token }))
            .Content.ReadFromJsonAsync<WidgetSession>())!.CustomerId!.Value;

        // The bot answers a new web chat first; its answer (which would hide a typing notice) is in before the agent types.
        await Eventually.True(async () => await page.Locator("[data-omni=message]:not([data-from=visitor])").CountAsync() > 0, "the bot's answer");

        // Only agents may say they are typing; the customer's widget shows it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await omni.Gateway.PostAsJsonAsync("/api/v1/messages/typing", new { customerId })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsJsonAsync("/api/v1/messages/typing", new { customerId })).StatusCode);
        await Eventually.True(async () => await page.Locator("[data-omni=typing]").IsVisibleAsync(), "the agent's typing in the widget");
        Assert.Equal("An agent is typing…", await page.Locator("[data-omni=typing]").InnerTextAsync());

        // The reply offers quick replies: buttons under it; pressing one sends its text as the visitor's message.
        var reply = await agent.PostAsJsonAsync("/api/v1/messages/outbound",
            new { customerId, channel = "web", text = "It ships today. Anything else?", actions = new[] { "Track my order", "Talk to a person" } });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        await Eventually.True(async () => await page.Locator("[data-omni=action]").AllInnerTextsAsync() is ["Track my order", "Talk to a person"],
            "the quick replies as buttons");
        await page.ClickAsync("[data-omni=action] >> text=Talk to a person");

        await Eventually.True(async () => await SentTextsAsync(page, "visitor") is ["Is my parcel on its way?", "Talk to a person"],
            "the pressed reply sent as the visitor's message");
        Assert.Equal(0, await page.Locator("[data-omni=action]").CountAsync());
        var conversationId = (await Eventually.Get(async () =>
            (await agent.GetFromJsonAsync<ConversationSummary[]>($"/api/v1/conversations?customerId={customerId}"))!.SingleOrDefault(),
            "the visitor's conversation")).Id;
        await Eventually.True(async () => (await agent.GetFromJsonAsync<ConversationView>($"/api/v1/conversations/{conversationId}"))!
                .Messages.Any(m => m.Direction == "inbound" && m.Text == "Talk to a person"),
            "the pressed reply in the conversation");
    }

    [Fact]
    public async Task The_gateway_serves_widget_js_with_a_cache_header_and_lets_any_site_call_the_widgets_api()
    {
        var script = await omni.Gateway.GetAsync("/widget.js");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/webchat/attachments?site=demo");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var allowed = await omni.Gateway.SendAsync(preflight);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        revalidate.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        var unchanged = await omni.Gateway.SendAsync(revalidate);

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True(script.Headers.CacheControl is { Public: true, MaxAge: not null }, "a public, bounded cache");
        Assert.Contains("omni-chat", await script.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("*", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    private static async Task<string[]> SentTextsAsync(IPage page, string from) =>
        [.. await page.Locator($"[data-omni=message][data-from={from}]:not([data-status=sending]) p").AllInnerTextsAsync()];

    private static async Task<string[]> AllTextsAsync(IPage page) =>
        [.. await page.Locator("[data-omni=message] p").AllInnerTextsAsync()];

    /// <summary>Each text shown once, in this order (Omni's own notices to the customer may stand between them).</summary>
    private static bool InOrder(string[] shown, params string[] expected) =>
        expected.All(text => shown.Count(s => s == text) == 1)
        && expected.Select(text => Array.IndexOf(shown, text)).Zip(expected.Select(text => Array.IndexOf(shown, text)).Skip(1)).All(pair => pair.First < pair.Second);

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), $"Debian's chromium is needed at {Chromium} (./omni test installs it)");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            ChromiumSandbox = false,
            // Without these, chromium keeps calling out to Google's services, which this machine's closed network refuses.
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    private async Task<string> NewSiteAsync()
    {
        var site = "shop-" + Guid.NewGuid().ToString("N")[..10];
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/channel-accounts", new { kind = "web", name = "Test shop", address = site });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return site;
    }

    private async Task<HttpClient> NewAgentAsync()
    {
        var email = $"agent.{Guid.NewGuid():N}@omni.test";
        var password = RandomNumberGenerator.GetHexString(20);
        var created = await omni.Admin.PostAsJsonAsync("/api/v1/agents", new { name = "Sam de Vries", email, password, roles = new[] { "agent" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return omni.SignedIn(await omni.SignInAsync(email, password));
    }

    private sealed record WidgetSession(string VisitorToken, Guid? CustomerId, bool Verified);

    /// <summary>A company's web page with the widget embedded, served by a small Kestrel app on 127.0.0.1 (another origin than the gateway).</summary>
    private sealed class ShopPage : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ShopPage(WebApplication app, string address)
        {
            _app = app;
            Address = address;
        }

        public string Address { get; }

        public static async Task<ShopPage> StartAsync(Uri gateway, string site)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var html = $"""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Test shop</title></head>
                <body>
                  <h1>Shoes for every season</h1>
                  <script src="{new Uri(gateway, "/widget.js")}" data-site="{site}"></script>
                </body>
                </html>
                """;
            app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
            await app.StartAsync();
            return new ShopPage(app, app.Urls.Single());
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
