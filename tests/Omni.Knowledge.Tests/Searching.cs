using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Grpc;
using Omni.Knowledge.Search;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;
using SearchResult = Omni.Knowledge.Search.SearchResult;

namespace Omni.Knowledge.Tests;

[Collection(KnowledgeCollection.Name)]
public sealed class Searching(KnowledgeServiceFixture fixture)
{
    [Theory]
    [InlineData("nl", "retourneren", "artikel-retourneren")]
    [InlineData("nl", "retoerneren", "artikel-retourneren")]
    [InlineData("nl", "verzendkossten", "levertijden-en-verzendkosten")]
    [InlineData("nl", "bestelling anuleren", "bestelling-wijzigen-of-annuleren")]
    [InlineData("nl", "wachtwoord vergten", "wachtwoord-vergeten")]
    [InlineData("nl", "hoe kan ik met ideal betalen", "betaalmethoden")]
    [InlineData("en", "retrun label", "return-item")]
    [InlineData("en", "cancle my order", "change-order")]
    [InlineData("en", "forgot my pasword", "reset-password")]
    [InlineData("en", "when do I get my money back", "refund-time")]
    [InlineData("en", "invoce", "invoice-vat")]
    public async Task Finds_the_article_for_dutch_and_english_questions_misspelt_or_not(string language, string query, string slug)
    {
        var result = await SearchAsync(fixture.Client(), $"q={Uri.EscapeDataString(query)}&lang={language}");

        Assert.Equal(slug, result.Best?.Slug);
        Assert.Equal(language, result.Best?.Language);
        Assert.InRange(result.Confidence, 0.3, 1);
    }

    [Fact]
    public async Task A_misspelt_word_is_corrected_to_a_word_the_articles_hold_and_says_so()
    {
        var result = await SearchAsync(fixture.Client(), "q=retoerneren&lang=nl");

        Assert.Contains(result.Corrections, c => c.Word == "retoerneren" && c.CorrectedTo == "retourneren");
    }

    [Fact]
    public async Task A_title_counts_more_than_tags_and_tags_more_than_the_body()
    {
        using var editor = await fixture.EditorAsync();
        var word = UniqueWord();
        var inBody = await CreateAsync(editor, "en", "About socks", $"Socks and the {word} go well together.", []);
        var inTags = await CreateAsync(editor, "en", "About shoes", "Shoes and laces.", [word]);
        var inTitle = await CreateAsync(editor, "en", $"All about the {word}", "Nothing else here.", []);

        var result = await SearchAsync(fixture.Client(), $"q={word}&lang=en");

        Assert.Equal([inTitle, inTags, inBody], result.Items.Select(i => i.ArticleId));
    }

    [Fact]
    public async Task Snippets_mark_the_words_found_and_carry_no_other_markup()
    {
        using var editor = await fixture.EditorAsync();
        var word = UniqueWord();
        await CreateAsync(editor, "en", $"Snippet test {word}", $"Some text <img src=x onerror=alert(1)> and then {word} appears & more text.", []);

        var hit = (await SearchAsync(fixture.Client(), $"q={word}&lang=en")).Best!;

        Assert.Contains($"<mark>{word}</mark>", hit.SnippetHtml);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", hit.SnippetHtml);
        Assert.Contains("&amp; more", hit.SnippetHtml);
        Assert.DoesNotContain("<", hit.SnippetHtml.Replace("<mark>", "").Replace("</mark>", ""));
    }

    [Fact]
    public async Task Customers_find_published_articles_only_and_agents_find_drafts_too()
    {
        using var editor = await fixture.EditorAsync();
        using var agent = await fixture.AgentAsync();
        var word = UniqueWord();
        var draft = await CreateAsync(editor, "nl", $"Concept over {word}", "Nog niet klaar.", [], status: "draft");
        var published = await CreateAsync(editor, "nl", $"Gepubliceerd over {word}", "Klaar.", []);

        var asCustomer = await SearchAsync(fixture.Client(), $"q={word}");
        var asAgent = await SearchAsync(agent, $"q={word}");

        Assert.Equal([published], asCustomer.Items.Select(i => i.ArticleId));
        Assert.Equal(new[] { draft, published }.Order(), asAgent.Items.Select(i => i.ArticleId).Order());
        Assert.Contains(asAgent.Items, i => i.ArticleId == draft && i.Status == "draft");
    }

    [Fact]
    public async Task Filters_by_language_and_tag_and_pages_through_the_results()
    {
        using var editor = await fixture.EditorAsync();
        var word = UniqueWord();
        var tag = UniqueWord("tag");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await CreateAsync(editor, "en", $"Page {i} {word}", $"Body {i} with {word}.", [tag]));
        var untagged = await CreateAsync(editor, "en", $"Untagged {word}", $"Also {word}.", []);
        var dutch = await CreateAsync(editor, "nl", $"Nederlands {word}", $"Ook {word}.", [tag]);

        var page1 = await SearchAsync(fixture.Client(), $"q={word}&lang=en&tag={tag}&pageSize=2&page=1");
        var page3 = await SearchAsync(fixture.Client(), $"q={word}&lang=en&tag={tag}&pageSize=2&page=3");
        var all = await SearchAsync(fixture.Client(), $"q={word}&pageSize=50");

        Assert.Equal(5, page1.Total);
        Assert.Equal(2, page1.Items.Count);
        Assert.Single(page3.Items);
        Assert.All(page1.Items.Concat(page3.Items), i => Assert.Contains(i.ArticleId, ids));
        Assert.Equal(7, all.Total);
        Assert.Contains(all.Items, i => i.ArticleId == untagged);
        Assert.Contains(all.Items, i => i.ArticleId == dutch && i.Language == "nl");
    }

    [Theory]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("lang=nl", "q")]
    [InlineData("q=%3F%3F%21", "q")]
    [InlineData("q=retour&lang=fr", "lang")]
    [InlineData("q=retour&page=0", "page")]
    [InlineData("q=retour&pageSize=500", "pageSize")]
    public async Task Bad_searches_are_refused_naming_the_parameter(string query, string parameter)
    {
        var errors = await ErrorsAsync(await fixture.Client().GetAsync($"/api/v1/articles/search?{query}"));

        Assert.Equal([parameter], errors.Keys);
        if (parameter == "lang") Assert.Contains("nl, en", errors["lang"][0]);
    }

    [Fact]
    public async Task An_oversized_query_is_refused()
    {
        var errors = await ErrorsAsync(await fixture.Client().GetAsync($"/api/v1/articles/search?q={new string('a', 201)}"));

        Assert.Contains("200", errors["q"][0]);
    }

    [Fact]
    public async Task Search_over_grpc_gives_the_best_answer_with_its_confidence_and_refuses_bad_queries()
    {
        var reply = await fixture.Grpc.SearchAsync(new SearchRequest { Query = "verzendkosten belgie", Language = "nl" });

        Assert.Equal("bezorgen-in-belgie-en-het-buitenland", reply.Hits[0].Slug);
        Assert.Equal(reply.Hits[0].Confidence, reply.Confidence);
        Assert.Contains("<mark>", reply.Hits[0].SnippetHtml);
        var bad = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await fixture.Grpc.SearchAsync(new SearchRequest { Query = " " }));
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, bad.StatusCode);
        var french = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await fixture.Grpc.SearchAsync(new SearchRequest { Query = "retour", Language = "fr" }));
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, french.StatusCode);
    }

    [Theory]
    [InlineData("nl", "Hoi, ik wil graag mijn bestelling annuleren want ik heb iets verkeerds besteld", "bestelling-wijzigen-of-annuleren")]
    [InlineData("en", "Hi there, I forgot my password and cannot log in anymore", "reset-password")]
    [InlineData(null, "Mijn pakket is kapot aangekomen, de doos was helemaal beschadigd", "pakket-beschadigd-of-onvolledig")]
    public async Task A_customers_question_gets_the_best_answer_with_a_confidence_a_bot_can_trust(string? language, string question, string slug)
    {
        await using var scope = fixture.Knowledge.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<ArticleSearch>();

        var answer = await search.BestAnswerAsync(question, language, countGap: false);

        Assert.Equal(slug, answer?.Slug);
        Assert.InRange(answer!.Confidence, ArticleSearch.AnswerThreshold, 1);
    }

    [Theory]
    [InlineData("en", "Do you sell second hand bicycles?")]
    [InlineData("nl", "Wat zijn de openingstijden van de winkel in Utrecht?")]
    [InlineData("en", "zzzz qqqq")]
    public async Task A_question_the_help_centre_does_not_answer_gets_a_low_confidence(string language, string question)
    {
        await using var scope = fixture.Knowledge.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<ArticleSearch>();

        var answer = await search.BestAnswerAsync(question, language, countGap: false);

        Assert.True(answer is null || answer.Confidence < ArticleSearch.GapThreshold, $"{answer?.Slug} at {answer?.Confidence}");
    }

    private static async Task<SearchResult> SearchAsync(HttpClient client, string query) =>
        await OkAsync<SearchResult>(await client.GetAsync($"/api/v1/articles/search?{query}"));

    private static async Task<Guid> CreateAsync(HttpClient editor, string language, string title, string body, string[] tags, string status = "published") =>
        (await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles", new { language, title, body, tags, status }))).Id;
}
