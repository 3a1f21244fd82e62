using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Omni.Channel.Tests.Support;
using Omni.Channel.WebChat;
using Xunit;

namespace Omni.Channel.Tests.WebChat;

[Collection(ChannelCollection.Name)]
public sealed class Sending_attachments_in_web_chat(ChannelServiceFixture fixture)
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    [Fact]
    public async Task An_image_becomes_a_message_the_visitor_can_download_and_no_one_else_can()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        var stranger = await http.StartSessionAsync(site);
        await using var page = await fixture.OpenChatAsync(site, session.VisitorToken);
        var clientMessageId = Guid.NewGuid().ToString();

        var response = await UploadAsync(http, site, session.VisitorToken, Png, "image/png", "broken-heel.png", "The heel broke", clientMessageId);
        var repeat = await UploadAsync(http, site, session.VisitorToken, Png, "image/png", "broken-heel.png", "The heel broke", clientMessageId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<WebChatMessage>())!;
        Assert.Equal("The heel broke", message.Text);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal(("broken-heel.png", "image/png", Png.Length), (attachment.FileName, attachment.ContentType, (int)attachment.Size));
        Assert.Equal(message.Id, (await repeat.Content.ReadFromJsonAsync<WebChatMessage>())!.Id);
        Assert.Equal("received", (await http.SettledAsync(message.Id)).Status);
        Assert.Contains(await page.HistoryAsync(), m => m.Id == message.Id && m.Attachments.Count == 1);

        var download = await GetAsync(http, $"/api/v1/webchat/attachments/{attachment.Id}?site={site}", session.VisitorToken);
        var snooping = await GetAsync(http, $"/api/v1/webchat/attachments/{attachment.Id}?site={site}", stranger.VisitorToken);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, snooping.StatusCode);
    }

    [Fact]
    public async Task An_attachment_over_the_limit_gets_413_and_nothing_is_stored()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        var justOver = new byte[5 * 1024 * 1024 + 1];
        Png.CopyTo(justOver, 0);
        var marker = Guid.NewGuid().ToString();

        var response = await UploadAsync(http, site, session.VisitorToken, justOver, "image/png", "huge.png", marker, marker);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Theory]
    [InlineData("application/x-msdownload", "setup.exe")]
    [InlineData("image/png", "not-really.png")] // declared an image, but its bytes are not one
    public async Task A_file_of_another_type_gets_415_and_nothing_is_stored(string contentType, string fileName)
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();
        var session = await http.StartSessionAsync(site);
        var marker = Guid.NewGuid().ToString();

        var response = await UploadAsync(http, site, session.VisitorToken, "MZ\x90\0 an executable"u8.ToArray(), contentType, fileName, marker, marker);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task An_upload_without_a_visitor_token_gets_401()
    {
        var site = await fixture.NewSiteAsync();
        using var http = fixture.Channel.CreateClient();

        var response = await UploadAsync(http, site, null, Png, "image/png", "a.png", null, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(
        HttpClient http, string site, string? token, byte[] bytes, string contentType, string fileName, string? text, string? clientMessageId)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (text is not null) form.Add(new StringContent(text), "text");
        if (clientMessageId is not null) form.Add(new StringContent(clientMessageId), "clientMessageId");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webchat/attachments?site={site}") { Content = form };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
