using System.Net.Http.Headers;
using System.Text;
using Omni.Channel.Messages;
using Xunit;
using Omni.Channel.Tests.Support;

namespace Omni.Channel.Tests;

[Collection(ChannelCollection.Name)]
public sealed class Refusing_bad_input(ChannelServiceFixture fixture)
{
    private const string Sender = """ "from": { "kind": "email", "address": "MARKER@example.nl" } """;

    [Theory]
    [InlineData("malformed JSON", "{ this is not JSON MARKER", "body")]
    [InlineData("no body", "", "body")]
    [InlineData("null", "null", "body")]
    [InlineData("an array", """["MARKER"]""", "body")]
    [InlineData("no sender", """{ "text": "hello MARKER" }""", "from")]
    [InlineData("no sender kind", """{ "from": { "address": "MARKER@example.nl" }, "text": "hello MARKER" }""", "from.kind")]
    [InlineData("an unknown sender kind", """{ "from": { "kind": "fax", "address": "MARKER" }, "text": "hello MARKER" }""", "from.kind")]
    [InlineData("no sender address", """{ "from": { "kind": "email" }, "text": "hello MARKER" }""", "from.address")]
    [InlineData("a blank text", "{" + Sender + """, "text": "  \t " }""", "text")]
    [InlineData("no text", "{" + Sender + "}", "text")]
    [InlineData("a text that is too long", "{" + Sender + """, "text": "LONG" }""", "text")]
    [InlineData("a text that is not a string", "{" + Sender + """, "text": 42 }""", "text")]
    [InlineData("an unknown channel", """{ "channel": "fax", """ + Sender + """, "text": "hello MARKER" }""", "channel")]
    [InlineData("an external id that is too long", "{" + Sender + """, "text": "hello", "externalId": "MARKERLONGID" }""", "externalId")]
    public async Task Answers_400_naming_the_field_and_stores_nothing_for(string _, string body, string field)
    {
        using var http = fixture.Channel.CreateClient();
        var marker = Guid.NewGuid().ToString("N");
        var json = body
            .Replace("MARKERLONGID", marker + new string('x', 200))
            .Replace("MARKER", marker)
            .Replace("LONG", marker + new string('a', MessagesApi.MaxTextLength));

        var response = await http.PostAsync("/api/v1/messages",
            new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        Assert.Equal([field], await response.ProblemFieldsAsync());
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task Names_every_field_that_is_wrong_at_once()
    {
        using var http = fixture.Channel.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        var response = await http.PostMessageAsync(new { channel = "pigeon", from = new { kind = "fax", address = marker }, text = " " });

        Assert.Equal(["channel", "from.kind", "text"], (await response.ProblemFieldsAsync()).Order());
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(marker));
    }

    [Fact]
    public async Task Accepts_a_text_of_exactly_the_longest_length()
    {
        using var http = fixture.Channel.CreateClient();
        var marker = Guid.NewGuid().ToString("N");
        var text = marker + new string('a', MessagesApi.MaxTextLength - marker.Length);

        await http.PostAcceptedAsync(Inbound.Body("email", Inbound.NewEmail(), text));

        Assert.Equal(1, await fixture.Database.CountMessagesMarkedAsync(marker));
    }
}
