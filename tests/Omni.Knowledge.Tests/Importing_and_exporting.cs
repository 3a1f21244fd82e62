using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Import;
using Omni.Knowledge.Search;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;

namespace Omni.Knowledge.Tests;

[Collection(KnowledgeCollection.Name)]
public sealed class Importing_and_exporting(KnowledgeServiceFixture fixture)
{
    [Fact]
    public async Task A_help_centre_written_elsewhere_imports_with_its_translations_and_a_second_import_changes_nothing()
    {
        using var editor = await fixture.EditorAsync();
        var s = UniqueWord("x");
        var zip = Zip(
            ($"fietsen/nl/band-plakken-{s}.md", $"""
                ---
                title: Een lekke band plakken
                lang: nl
                tags: "band, reparatie"
                translations:
                  en: fixing-a-flat-tyre-{s}
                ---
                Haal de **binnenband** eruit, zoek het gaatje en plak er een plakker op.
                """),
            ($"fietsen/en/fixing-a-flat-tyre-{s}.md", """
                # Fixing a flat tyre

                Take out the **inner tube**, find the hole and put a patch on it.
                """),
            ($"faq-{s}.nl.md", """
                ---
                title: Welke accu past op mijn e-bike?
                draft: true
                keywords: [accu, e-bike]
                ---
                Kijk op het typeplaatje onder de bagagedrager.
                """),
            ("__MACOSX/._ignored.md", "binary junk"),
            ("README.txt", "not an article"));

        var first = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", Content(zip, "application/zip")));
        var second = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", Content(zip, "application/zip")));

        Assert.Equal((3, 0, 0), (first.Created, first.Updated, first.Unchanged));
        Assert.Equal((0, 0, 3), (second.Created, second.Updated, second.Unchanged));
        var dutch = first.Articles.Single(a => a.Slug == $"band-plakken-{s}");
        var english = first.Articles.Single(a => a.Slug == $"fixing-a-flat-tyre-{s}");
        var article = (await fixture.Client().GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{dutch.Id}"))!;
        Assert.Equal(("nl", "Een lekke band plakken", 1), (article.Language, article.Title, article.Version));
        Assert.Equal(["band", "reparatie"], article.Tags);
        Assert.Equal([english.Id], article.Translations.Select(t => t.Id));
        Assert.Equal("Fixing a flat tyre", (await fixture.Client().GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{english.Id}"))!.Title);
        var draft = first.Articles.Single(a => a.Slug == $"faq-{s}");
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client().GetAsync($"/api/v1/articles/{draft.Id}")).StatusCode);
        var found = await fixture.Client().GetFromJsonAsync<SearchResult>("/api/v1/articles/search?q=lekke%20band%20plakken&lang=nl");
        Assert.Equal(dutch.Id, found!.Best?.ArticleId);
    }

    [Fact]
    public async Task A_malformed_article_refuses_the_whole_import_naming_the_article()
    {
        using var editor = await fixture.EditorAsync();
        var s = UniqueWord("y");
        var zip = Zip(
            ($"nl/goed-{s}.md", "---\ntitle: Goed\n---\nPrima."),
            ($"en/broken-{s}.md", "---\ntitle: [unclosed\nlanguage: en\n---\nBody."),
            ($"en/french-{s}.md", "---\ntitle: Bonjour\nlanguage: fr\n---\nSalut."),
            ($"en/empty-{s}.md", "---\ntitle: Nothing here\n---\n"));

        var response = await editor.PostAsync("/api/v1/articles/import", Content(zip, "application/zip"));

        var errors = await ErrorsAsync(response);
        Assert.Equal([$"en/broken-{s}.md", $"en/empty-{s}.md", $"en/french-{s}.md"], errors.Keys.Order());
        Assert.Contains("YAML", errors[$"en/broken-{s}.md"][0]);
        Assert.Contains("nl, en", errors[$"en/french-{s}.md"][0]);
        Assert.StartsWith("body:", errors[$"en/empty-{s}.md"][0]);
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM articles WHERE "Slug" LIKE $1""", $"%{s}"));
    }

    [Fact]
    public async Task Two_articles_claiming_one_slug_refuse_the_import()
    {
        using var editor = await fixture.EditorAsync();
        var s = UniqueWord("d");
        var json = $$"""
            {"articles": [
                {"language": "en", "slug": "twin-{{s}}", "title": "One", "body": "First."},
                {"language": "en", "slug": "twin-{{s}}", "title": "Two", "body": "Second."},
                {"language": "nl", "title": "Drie", "body": 3}
            ]}
            """;

        var errors = await ErrorsAsync(await editor.PostAsync("/api/v1/articles/import", new StringContent(json, Encoding.UTF8, "application/json")));

        Assert.Contains($"articles[0] (twin-{s})", errors.Keys);
        Assert.Contains($"articles[1] (twin-{s})", errors.Keys);
        Assert.Contains("articles[2]", errors.Keys);
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM articles WHERE "Slug" = $1""", $"twin-{s}"));
    }

    [Fact]
    public async Task Markdown_files_upload_as_a_form_and_a_changed_file_becomes_a_new_version()
    {
        using var editor = await fixture.EditorAsync();
        var s = UniqueWord("m");
        var first = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", Form(
            ($"en/chain-{s}.md", "---\ntitle: Oiling the chain\ntags: [maintenance]\n---\nOil it monthly."),
            ($"nl/ketting-{s}.md", $"---\ntitle: De ketting smeren\ntranslationKey: chain-{s}\n---\nSmeer hem elke maand."))));
        var changed = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", Form(
            ($"en/chain-{s}.md", "---\ntitle: Oiling the chain\ntags: [maintenance]\n---\nOil it every two weeks."))));

        Assert.Equal(2, first.Created);
        Assert.Equal(1, changed.Updated);
        var id = changed.Articles.Single().Id;
        var versions = (await editor.GetFromJsonAsync<ArticleVersionSummaryDto[]>($"/api/v1/articles/{id}/versions"))!;
        Assert.Equal([(2, "imported"), (1, "imported")], versions.Select(v => (v.Version, v.Change)));
        Assert.Single((await editor.GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{id}"))!.Translations);
    }

    [Fact]
    public async Task An_export_imports_back_without_a_change_as_zip_and_as_json()
    {
        using var editor = await fixture.EditorAsync();

        var zip = await editor.GetByteArrayAsync("/api/v1/articles/export?format=zip");
        var json = await editor.GetStringAsync("/api/v1/articles/export?format=json");
        var fromZip = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", Content(zip, "application/zip")));
        var fromJson = await OkAsync<ImportResult>(await editor.PostAsync("/api/v1/articles/import", new StringContent(json, Encoding.UTF8, "application/json")));

        Assert.True(fromZip.Unchanged >= 44, $"{fromZip.Unchanged} unchanged");
        Assert.Equal((0, 0), (fromZip.Created, fromZip.Updated));
        Assert.Equal((0, 0), (fromJson.Created, fromJson.Updated));
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Contains(archive.Entries, e => e.FullName == "nl/artikel-retourneren.md");
        Assert.Contains(archive.Entries, e => e.FullName == "en/return-item.md");
    }

    [Fact]
    public async Task Import_and_export_are_for_editors()
    {
        using var agent = await fixture.AgentAsync();

        AssertProblem(await fixture.Client().GetAsync("/api/v1/articles/export"), HttpStatusCode.Unauthorized);
        AssertProblem(await agent.GetAsync("/api/v1/articles/export"), HttpStatusCode.Forbidden);
        AssertProblem(await agent.PostAsync("/api/v1/articles/import", Content(Zip(("en/x.md", "# X\n\nY")), "application/zip")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Something_that_is_not_a_help_centre_is_refused()
    {
        using var editor = await fixture.EditorAsync();

        Assert.Contains("zip", (await ErrorsAsync(await editor.PostAsync("/api/v1/articles/import", Content("not a zip"u8.ToArray(), "application/zip")))).Keys);
        Assert.Contains("json", (await ErrorsAsync(await editor.PostAsync("/api/v1/articles/import", new StringContent("{nope", Encoding.UTF8, "application/json")))).Keys);
        Assert.Contains("files", (await ErrorsAsync(await editor.PostAsync("/api/v1/articles/import", Content(Zip(("a.txt", "x")), "application/zip")))).Keys);
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

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static MultipartFormDataContent Form(params (string Path, string Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (path, content) in files) form.Add(new StringContent(content, Encoding.UTF8, "text/markdown"), "files", path);
        return form;
    }
}
