using System.Net;
using System.Net.Http.Json;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Feedback;
using Omni.Knowledge.Search;
using Omni.Testing;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;

namespace Omni.Knowledge.Tests;

[Collection(KnowledgeCollection.Name)]
public sealed class Feedback_and_gaps(KnowledgeServiceFixture fixture)
{
    [Fact]
    public async Task One_vote_per_article_and_conversation_which_a_later_vote_changes()
    {
        using var editor = await fixture.EditorAsync();
        var article = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Votes {UniqueWord()}", body = "Was this helpful?", status = "published" }));
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var customer = fixture.Client();

        await OkAsync<VoteDto>(await customer.PutAsJsonAsync($"/api/v1/articles/{article.Id}/feedback", new { conversationId = first, helpful = false }));
        var changed = await OkAsync<VoteDto>(await customer.PutAsJsonAsync($"/api/v1/articles/{article.Id}/feedback", new { conversationId = first, helpful = true }));
        await OkAsync<VoteDto>(await customer.PutAsJsonAsync($"/api/v1/articles/{article.Id}/feedback", new { conversationId = second, helpful = false }));

        Assert.Equal(("customer", true), (changed.Source, changed.Helpful));
        var summary = (await editor.GetFromJsonAsync<FeedbackSummaryDto>($"/api/v1/articles/{article.Id}/feedback"))!;
        Assert.Equal((1, 1), (summary.Helpful, summary.NotHelpful));
        Assert.Contains((await editor.GetFromJsonAsync<FeedbackSummaryDto[]>("/api/v1/articles/feedback?lang=en"))!, s => s.ArticleId == article.Id);
        Assert.Equal(2L, await fixture.ReadAsync<long>("""SELECT count(*) FROM article_votes WHERE "ArticleId" = $1""", article.Id));
    }

    [Fact]
    public async Task A_vote_needs_a_conversation_and_an_article_the_voter_can_see()
    {
        using var editor = await fixture.EditorAsync();
        var draft = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Draft votes {UniqueWord()}", body = "Not yet." }));
        using var customer = fixture.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await customer.PutAsJsonAsync($"/api/v1/articles/{draft.Id}/feedback", new { conversationId = Guid.CreateVersion7(), helpful = true })).StatusCode);
        Assert.Equal(["conversationId", "helpful"], (await ErrorsAsync(await customer.PutAsJsonAsync($"/api/v1/articles/{draft.Id}/feedback", new { }))).Keys.Order());
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM article_votes WHERE "ArticleId" = $1""", draft.Id));
        AssertProblem(await customer.GetAsync($"/api/v1/articles/{draft.Id}/feedback"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Searches_nothing_answers_are_counted_by_their_words_with_numbers_and_addresses_masked()
    {
        using var editor = await fixture.EditorAsync();
        var word = UniqueWord();
        using var customer = fixture.Client();

        await customer.GetAsync($"/api/v1/articles/search?q={Uri.EscapeDataString($"{word} tent opzetten 12345")}&lang=nl");
        await customer.GetAsync($"/api/v1/articles/search?q={Uri.EscapeDataString($"Opzetten {word} TENT jan@example.nl")}&lang=nl");
        await customer.GetAsync("/api/v1/articles/search?q=wachtwoord%20vergeten&lang=nl");
        await fixture.FlushGapsAsync();

        var report = await OkAsync<SearchGapPage>(await editor.GetAsync("/api/v1/search-gaps?lang=nl&pageSize=200"));
        var gap = Assert.Single(report.Items, g => g.Key.Contains(word));
        Assert.Equal((2, 2, 0), (gap.Count, gap.SearchCount, gap.QuestionCount));
        Assert.Equal($"opzetten {word} tent [e-mail]", gap.Query);
        Assert.DoesNotContain(report.Items, g => g.Query.Contains("12345") || g.Query.Contains("jan@") || g.Key.Contains("wachtwoord"));
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM search_gaps WHERE "Query" LIKE '%jan@%' OR "Query" LIKE '%12345%'"""));
    }

    [Fact]
    public async Task The_gap_report_is_for_editors()
    {
        using var agent = await fixture.AgentAsync();

        AssertProblem(await fixture.Client().GetAsync("/api/v1/search-gaps"), HttpStatusCode.Unauthorized);
        AssertProblem(await agent.GetAsync("/api/v1/search-gaps"), HttpStatusCode.Forbidden);
    }
}
