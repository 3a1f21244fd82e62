using System.Net;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

[Collection(ChannelCollection.Name)]
public sealed class Verifying_the_whatsapp_webhook(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Echoes_the_challenge_as_plain_text_when_the_verify_token_is_that_of_a_whatsapp_account()
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();

        var response = await http.GetAsync($"{MetaWebhook.Path}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={number.VerifyToken}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("a verify token no account has", "subscribe", "WRONG")]
    [InlineData("a mode other than subscribe", "unsubscribe", "TOKEN")]
    [InlineData("no verify token", "subscribe", "")]
    [InlineData("a verify token that only starts like one", "subscribe", "TOKEN-and-more")]
    public async Task Answers_403_without_the_challenge_for(string _, string mode, string token)
    {
        using var http = fixture.Channel.CreateClient();
        var number = await http.CreateWhatsAppAccountAsync();
        var verifyToken = token.Replace("TOKEN", number.VerifyToken).Replace("WRONG", "verify-" + Guid.NewGuid().ToString("N"));

        var response = await http.GetAsync($"{MetaWebhook.Path}?hub.mode={mode}&hub.challenge=1158201444&hub.verify_token={verifyToken}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("1158201444", await response.Content.ReadAsStringAsync());
    }
}
