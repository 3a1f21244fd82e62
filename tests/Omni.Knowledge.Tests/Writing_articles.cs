using System.Net;
using System.Net.Http.Json;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Tests.Support;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;

namespace Omni.Knowledge.Tests;

[Collection(KnowledgeCollection.Name)]
public sealed class Writing_articles(KnowledgeServiceFixture fixture)
{
    [Fact]
    public async Task A_draft_stays_hidden_from_customers_until_it_is_published()
    {
        using var editor = await fixture.EditorAsync();
        using var agent = await fixture.AgentAsync();
        using var customer = fixture.Client();
        var word = UniqueWord();

        var draft = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Caring for your {word}", body = $"Wipe the **{word}** with a dry cloth.", tags = new[] { "Care", "care " } }));

        Assert.Equal("draft", draft.Status);
        Assert.Equal(1, draft.Version);
        Assert.Equal(["care"], draft.Tags);
        Assert.Equal($"caring-for-your-{word}", draft.Slug);
        Assert.Contains($"<strong>{word}</strong>", draft.Html);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/api/v1/articles/{draft.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/articles/{draft.Id}")).StatusCode);
        Assert.DoesNotContain((await customer.GetFromJsonAsync<ArticlePage>("/api/v1/articles?language=en&pageSize=100"))!.Items, a => a.Id == draft.Id);

        var published = await OkAsync<ArticleDto>(await editor.PatchAsJsonAsync($"/api/v1/articles/{draft.Id}", new { status = "published" }));

        Assert.Equal("published", published.Status);
        Assert.NotNull(published.PublishedAt);
        Assert.Equal(draft.Title, (await customer.GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{draft.Id}"))!.Title);
        Assert.Equal(draft.Id, (await customer.GetFromJsonAsync<ArticleDto>($"/api/v1/articles/by-slug/en/{draft.Slug}"))!.Id);
    }

    [Fact]
    public async Task Editing_a_published_article_keeps_every_earlier_version_with_its_author_and_time()
    {
        using var editor = await fixture.EditorAsync();
        using var otherEditor = await fixture.EditorAsync();
        var word = UniqueWord();
        var created = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "nl", title = $"Onderhoud van je {word}", body = "Eerste versie.", status = "published" }));

        var edited = await OkAsync<ArticleDto>(await otherEditor.PatchAsJsonAsync($"/api/v1/articles/{created.Id}",
            new { body = "Tweede versie.", expectedVersion = 1 }));

        Assert.Equal(2, edited.Version);
        Assert.Equal("Tweede versie.", edited.Body);
        var versions = (await otherEditor.GetFromJsonAsync<ArticleVersionSummaryDto[]>($"/api/v1/articles/{created.Id}/versions"))!;
        Assert.Equal([2, 1], versions.Select(v => v.Version));
        Assert.Equal(["edited", "created"], versions.Select(v => v.Change));
        Assert.NotEqual(versions[0].Author.Id, versions[1].Author.Id);
        Assert.Equal("Eva Editor", versions[1].Author.Name);
        Assert.True(versions[0].SavedAt >= versions[1].SavedAt);
        var first = (await editor.GetFromJsonAsync<ArticleVersionDto>($"/api/v1/articles/{created.Id}/versions/1"))!;
        Assert.Equal("Eerste versie.", first.Body);
        Assert.Equal("published", first.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync($"/api/v1/articles/{created.Id}/versions/3")).StatusCode);
    }

    [Fact]
    public async Task A_save_based_on_an_old_version_is_refused_and_an_unchanged_save_adds_no_version()
    {
        using var editor = await fixture.EditorAsync();
        var created = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Storing a {UniqueWord()}", body = "Keep it dry." }));
        (await editor.PatchAsJsonAsync($"/api/v1/articles/{created.Id}", new { body = "Keep it cool and dry.", expectedVersion = 1 })).EnsureSuccessStatusCode();

        var stale = await editor.PatchAsJsonAsync($"/api/v1/articles/{created.Id}", new { body = "Keep it warm.", expectedVersion = 1 });
        var same = await OkAsync<ArticleDto>(await editor.PatchAsJsonAsync($"/api/v1/articles/{created.Id}", new { body = "Keep it cool and dry." }));

        AssertProblem(stale, HttpStatusCode.Conflict);
        Assert.Equal(2, same.Version);
        Assert.Equal("Keep it cool and dry.", same.Body);
    }

    [Fact]
    public async Task Translations_are_linked_and_each_names_the_other()
    {
        using var editor = await fixture.EditorAsync();
        var word = UniqueWord();
        var english = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Folding a {word}", body = "Fold it twice.", status = "published" }));

        var dutch = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "nl", title = $"Een {word} vouwen", body = "Vouw hem twee keer.", status = "published", translationOf = english.Id }));
        var secondDutch = await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "nl", title = $"Nog een {word}", body = "Dubbel.", translationOf = english.Id });

        Assert.Equal(english.TranslationKey, dutch.TranslationKey);
        Assert.Equal([english.Id], dutch.Translations.Select(t => t.Id));
        Assert.Equal([("nl", dutch.Id)], (await editor.GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{english.Id}"))!.Translations.Select(t => (t.Language, t.Id)));
        AssertProblem(secondDutch, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_unsupported_language_is_refused_listing_the_supported_ones_and_nothing_is_stored()
    {
        using var editor = await fixture.EditorAsync();
        var title = $"Comment plier un {UniqueWord()}";

        var response = await editor.PostAsJsonAsync("/api/v1/articles", new { language = "fr", title, body = "Pliez-le." });

        var errors = await ErrorsAsync(response);
        Assert.Equal(["language"], errors.Keys);
        Assert.Contains("nl, en", errors["language"][0]);
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM articles WHERE "Title" = $1""", title));
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Client().GetAsync("/api/v1/articles?language=de")).StatusCode);
    }

    [Theory]
    [InlineData("""{"language":"en","body":"b"}""", "title")]
    [InlineData("""{"language":"en","title":"  ","body":"b"}""", "title")]
    [InlineData("""{"language":"en","title":"t"}""", "body")]
    [InlineData("""{"language":"en","title":"t","body":"b","status":"archived"}""", "status")]
    [InlineData("""{"language":"en","title":"t","body":"b","slug":"Not A Slug!"}""", "slug")]
    [InlineData("""{"language":"en","title":"t","body":"b","tags":[""]}""", "tags")]
    [InlineData("""{"language":"en","title":"t","body":"b","translationOf":"0190a3b2-0000-7000-8000-000000000000"}""", "translationOf")]
    [InlineData("""{"language":"en","title":"t","body":42}""", "body")]
    public async Task Bad_input_is_refused_naming_the_field(string json, string field)
    {
        using var editor = await fixture.EditorAsync();

        var response = await editor.PostAsync("/api/v1/articles", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(field, (await ErrorsAsync(response)).Keys);
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM articles WHERE "Title" IN ('t', '  ')"""));
    }

    [Fact]
    public async Task Only_editors_and_admins_write_while_anyone_reads()
    {
        using var agent = await fixture.AgentAsync();
        using var customer = fixture.Client();
        using var admin = fixture.Client(fixture.AdminToken);
        var article = new { language = "en", title = $"Who writes {UniqueWord()}", body = "Editors do." };

        AssertProblem(await customer.PostAsJsonAsync("/api/v1/articles", article), HttpStatusCode.Unauthorized);
        AssertProblem(await agent.PostAsJsonAsync("/api/v1/articles", article), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/articles", article)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/api/v1/articles?language=en")).StatusCode);
    }

    [Fact]
    public async Task A_token_that_is_not_valid_is_refused_rather_than_read_as_a_customer()
    {
        using var forged = fixture.Client("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");

        AssertProblem(await forged.GetAsync("/api/v1/articles?language=en"), HttpStatusCode.Unauthorized);
        AssertProblem(await forged.GetAsync("/api/v1/articles/search?q=return"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_an_article_removes_it_with_its_history()
    {
        using var editor = await fixture.EditorAsync();
        var created = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Gone soon {UniqueWord()}", body = "Soon gone.", status = "published" }));

        Assert.Equal(HttpStatusCode.NoContent, (await editor.DeleteAsync($"/api/v1/articles/{created.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync($"/api/v1/articles/{created.Id}")).StatusCode);
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM article_versions WHERE "ArticleId" = $1""", created.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.DeleteAsync($"/api/v1/articles/{created.Id}")).StatusCode);
    }
}
