using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>The help centre as an editor, an agent and a customer use it: only through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class Knowledge_through_the_gateway(OmniSystem omni)
{
    [Fact]
    public async Task An_editor_imports_a_help_centre_that_customers_then_find_with_misspelt_words()
    {
        using var editor = await AgentAsync("agent", "editor");
        using var agent = await AgentAsync("agent");
        var s = Guid.NewGuid().ToString("N")[..8];
        var zip = Zip(
            ($"nl/snoeischaar-slijpen-{s}.md", $"---\ntitle: Je snoeischaar slijpen\ntags: [tuin, onderhoud]\ntranslations: {{ en: sharpening-pruning-shears-{s} }}\n---\nSlijp de snoeischaar met een wetsteen."),
            ($"en/sharpening-pruning-shears-{s}.md", "# Sharpening your pruning shears\n\nSharpen the blades with a whetstone."),
            ($"nl/nieuwe-collectie-{s}.md", "---\ntitle: Onze nieuwe tuinmeubelcollectie\ndraft: true\n---\nBinnenkort."));

        var forbidden = await agent.PostAsync("/api/v1/articles/import", Content(zip));
        var imported = await editor.PostAsync("/api/v1/articles/import", Content(zip));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var found = await omni.Gateway.GetFromJsonAsync<JsonElement>("/api/v1/articles/search?q=snoeishcaar%20slijpen&lang=nl");
        Assert.Equal($"snoeischaar-slijpen-{s}", found.GetProperty("items")[0].GetProperty("slug").GetString());
        Assert.Contains(found.GetProperty("corrections").EnumerateArray(), c => c.GetProperty("correctedTo").GetString() == "snoeischaar");
        var english = await omni.Gateway.GetFromJsonAsync<JsonElement>("/api/v1/articles/search?q=pruning%20sheers&lang=en");
        Assert.Equal($"sharpening-pruning-shears-{s}", english.GetProperty("items")[0].GetProperty("slug").GetString());
        var draftForCustomer = await omni.Gateway.GetFromJsonAsync<JsonElement>($"/api/v1/articles/search?q=tuinmeubelcollectie");
        var draftForAgent = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/articles/search?q=tuinmeubelcollectie");
        Assert.DoesNotContain(draftForCustomer.GetProperty("items").EnumerateArray(), i => i.GetProperty("slug").GetString() == $"nieuwe-collectie-{s}");
        Assert.Contains(draftForAgent.GetProperty("items").EnumerateArray(), i => i.GetProperty("slug").GetString() == $"nieuwe-collectie-{s}");
    }

    [Fact]
    public async Task The_shipped_help_centre_answers_customers_and_only_editors_write_or_read_the_gap_report()
    {
        using var agent = await AgentAsync("agent");

        var returns = await omni.Gateway.GetFromJsonAsync<JsonElement>("/api/v1/articles/search?q=retoerneren&lang=nl");
        var write = await agent.PostAsJsonAsync("/api/v1/articles", new { language = "en", title = "x", body = "y" });
        var gaps = await agent.GetAsync("/api/v1/search-gaps");
        var suggestionsAnonymous = await omni.Gateway.GetAsync($"/api/v1/suggestions?conversationId={Guid.CreateVersion7()}");
        var suggestions = await agent.GetAsync($"/api/v1/suggestions?conversationId={Guid.CreateVersion7()}");
        var unsupported = await omni.Gateway.GetAsync("/api/v1/articles/search?q=retour&lang=fr");

        Assert.Equal("artikel-retourneren", returns.GetProperty("items")[0].GetProperty("slug").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, gaps.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, suggestionsAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, suggestions.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await omni.Admin.GetAsync("/api/v1/search-gaps")).StatusCode);
    }

    [Fact]
    public async Task A_customer_votes_on_an_article_without_signing_in()
    {
        var article = (await omni.Gateway.GetFromJsonAsync<JsonElement>("/api/v1/articles/by-slug/en/return-item")).GetProperty("id").GetGuid();

        var vote = await omni.Gateway.PutAsJsonAsync($"/api/v1/articles/{article}/feedback", new { conversationId = Guid.CreateVersion7(), helpful = true });

        Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
    }

    private async Task<HttpClient> AgentAsync(params string[] roles)
    {
        var email = $"knowledge.{Guid.NewGuid():N}@omni.test";
        const string password = "a long enough password";
        (await omni.Admin.PostAsJsonAsync("/api/v1/agents", new { name = "Kim Editor", email, password, roles })).EnsureSuccessStatusCode();
        return omni.SignedIn(await omni.SignInAsync(email, password));
    }

    private static ByteArrayContent Content(byte[] zip)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    private static byte[] Zip(params (string Path, string Content)[] files)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                using var writer = new StreamWriter(archive.CreateEntry(path).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
        }
        return stream.ToArray();
    }
}
