using System.Net;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.WhatsApp;
using Xunit;

namespace Omni.Channel.Tests.Media;

/// <summary>
/// Files a provider keeps (here WhatsApp's media) are fetched after the webhook was answered: retried while the provider
/// fails, refused beyond the size and type limits, given up when the provider says they are gone; the message itself
/// is received whatever becomes of its files.
/// </summary>
[Collection(ChannelCollection.Name)]
public sealed class Fetching_customers_files(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task A_download_the_provider_fails_is_retried_and_the_file_stored_once_the_provider_answers()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var (mediaId, photo) = (NewMediaId(), MediaFiles.Png(12_000));
        graph.KeepMedia(mediaId, photo, "image/png", number.AccessToken, failFirst: 2);

        var messageId = await CustomerSendsImageAsync(http, number, mediaId, "image/png");

        var file = Assert.Single((await http.FilesSettledAsync(messageId)).Attachments);
        Assert.Equal("stored", file.State);
        Assert.Equal(photo, (await http.DownloadAsync(messageId, file.Id)).Content);
        Assert.Equal(3, graph.Received.Count(r => r.Path == $"/media/{mediaId}"));
    }

    [Fact]
    public async Task A_file_larger_than_the_limit_is_refused_without_downloading_it_and_the_message_still_arrives()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var mediaId = NewMediaId();
        graph.KeepMedia(mediaId, MediaFiles.Jpeg(1_000), "image/jpeg", number.AccessToken, declaredSize: 40L * 1024 * 1024);

        var messageId = await CustomerSendsImageAsync(http, number, mediaId, "image/jpeg");

        var file = Assert.Single((await http.FilesSettledAsync(messageId)).Attachments);
        Assert.Equal("refused", file.State);
        Assert.Contains("larger than 16 MB", file.StateReason);
        Assert.DoesNotContain(graph.Received, r => r.Path == $"/media/{mediaId}");
        Assert.False(Assert.Single(await _rows.AttachmentsAsync(messageId)).HasContent);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/messages/{messageId}/attachments/{file.Id}")).StatusCode);
        Assert.Equal("received", (await http.SettledAsync(messageId)).Status);
    }

    [Fact]
    public async Task A_file_of_a_type_not_kept_or_not_what_it_claims_to_be_is_refused()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var (program, disguised) = (NewMediaId(), NewMediaId());
        graph.KeepMedia(program, MediaFiles.Executable(4_000), "application/x-msdownload", number.AccessToken);
        graph.KeepMedia(disguised, MediaFiles.Executable(4_000), "image/png", number.AccessToken);

        var programMessage = await CustomerSendsImageAsync(http, number, program, "application/x-msdownload");
        var disguisedMessage = await CustomerSendsImageAsync(http, number, disguised, "image/png");

        var refusedType = Assert.Single((await http.FilesSettledAsync(programMessage)).Attachments);
        Assert.Equal("refused", refusedType.State);
        Assert.Contains("application/x-msdownload are not kept", refusedType.StateReason);
        var refusedContent = Assert.Single((await http.FilesSettledAsync(disguisedMessage)).Attachments);
        Assert.Equal("refused", refusedContent.State);
        Assert.Contains("not the image/png it says it is", refusedContent.StateReason);
        Assert.False(Assert.Single(await _rows.AttachmentsAsync(disguisedMessage)).HasContent);
    }

    [Fact]
    public async Task A_file_the_provider_no_longer_has_is_given_up_at_once_as_failed()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var mediaId = NewMediaId(); // never kept: Meta answers 404

        var messageId = await CustomerSendsImageAsync(http, number, mediaId, "image/jpeg");

        var file = Assert.Single((await http.FilesSettledAsync(messageId)).Attachments);
        Assert.Equal("failed", file.State);
        Assert.Contains("404", file.StateReason);
        Assert.Single(graph.Received, r => r.Path.EndsWith(mediaId));
    }

    private static string NewMediaId() => "1489" + Random.Shared.Next(100_000_000, 999_999_999);

    private async Task<Guid> CustomerSendsImageAsync(HttpClient http, WhatsAppNumber number, string mediaId, string mimeType)
    {
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        await http.PostAcknowledgedAsync(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", MetaWebhook.Image(waId, wamid, mediaId, mimeType, null)),
            number.AppSecret);
        return (await _rows.MessageAsync(wamid))!.Id;
    }
}
