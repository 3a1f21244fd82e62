using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Omni.Channel.Grpc;
using Omni.Contracts.Identity;
using Omni.Contracts.Routing;
using Omni.Knowledge.Grpc;
using Omni.Knowledge.Search;
using Omni.Knowledge.Suggestions;
using Omni.Testing;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;

namespace Omni.Knowledge.Tests;

/// <summary>Customers' messages go in through the channel's API; routing's MessageAttached is published as routing would.</summary>
[Collection(KnowledgeCollection.Name)]
public sealed class Suggesting_articles(KnowledgeServiceFixture fixture)
{
    [Fact]
    public async Task Suggests_articles_from_the_customers_recent_messages_in_their_preferred_language()
    {
        var conversation = Guid.CreateVersion7();
        var (customer, message) = await SendAsync(NewAddress(), "I want to send my parcel back, how does that work?");
        await PreferLanguageAsync(customer, "nl");

        await AttachAsync(conversation, customer, message);
        var suggestions = await SuggestionsAsync(conversation, until: s => s.MessagesConsidered == 1);

        Assert.Equal(("nl", "customer"), (suggestions.Language, suggestions.LanguageSource));
        Assert.All(suggestions.Articles, a => Assert.Equal("nl", a.Language));
    }

    [Fact]
    public async Task Detects_the_language_from_the_messages_when_the_customer_has_none_and_follows_the_latest_question()
    {
        var conversation = Guid.CreateVersion7();
        var address = NewAddress();
        var (customer, first) = await SendAsync(address, "Hallo, ik heb een vraag over mijn bestelling");
        await AttachAsync(conversation, customer, first);
        await SuggestionsAsync(conversation, until: s => s.MessagesConsidered == 1);

        var (_, second) = await SendAsync(address, "Hoe kan ik mijn bestelling annuleren?");
        await AttachAsync(conversation, customer, second);
        var suggestions = await SuggestionsAsync(conversation, until: s => s.MessagesConsidered == 2);

        Assert.Equal(("nl", "detected"), (suggestions.Language, suggestions.LanguageSource));
        Assert.Equal("bestelling-wijzigen-of-annuleren", suggestions.Articles[0].Slug);
        Assert.InRange(suggestions.Confidence, ArticleSearch.AnswerThreshold, 1);
        var grpc = await fixture.Grpc.SuggestAsync(new SuggestRequest { ConversationId = conversation.ToString(), Limit = 2 });
        Assert.Equal("bestelling-wijzigen-of-annuleren", grpc.Hits[0].Slug);
        Assert.Equal(2, grpc.MessagesConsidered);
        Assert.True(grpc.Hits.Count <= 2);
    }

    [Fact]
    public async Task Keeps_only_the_last_few_messages_and_erases_them_with_the_customer()
    {
        var conversation = Guid.CreateVersion7();
        var address = NewAddress();
        Guid customer = default;
        for (var i = 0; i < 7; i++)
        {
            var (c, message) = await SendAsync(address, $"Question {i}: where is my order?");
            customer = c;
            await AttachAsync(conversation, customer, message);
        }
        await Eventually.True(async () => await fixture.ReadAsync<long>(
            """SELECT count(*) FROM conversation_texts WHERE "ConversationId" = $1 AND "Text" LIKE 'Question 6%'""", conversation) == 1, "the last message");

        Assert.Equal(5L, await fixture.ReadAsync<long>("""SELECT count(*) FROM conversation_texts WHERE "ConversationId" = $1""", conversation));

        await fixture.Bus.Publish(new CustomerErasureRequested(customer, DateTimeOffset.UtcNow));
        await Eventually.True(async () => await fixture.ReadAsync<long>(
            """SELECT count(*) FROM conversation_contexts WHERE "CustomerId" = $1""", customer) == 0, "the erasure");
        Assert.Equal(0L, await fixture.ReadAsync<long>("""SELECT count(*) FROM conversation_texts WHERE "ConversationId" = $1""", conversation));
    }

    [Fact]
    public async Task A_conversation_knowledge_has_not_seen_has_no_suggestions_yet()
    {
        using var agent = await fixture.AgentAsync();

        var result = await OkAsync<SuggestionResult>(await agent.GetAsync($"/api/v1/suggestions?conversationId={Guid.CreateVersion7()}"));

        Assert.Empty(result.Articles);
        Assert.Equal(0, result.MessagesConsidered);
    }

    [Fact]
    public async Task Suggestions_are_for_agents_and_need_a_conversation()
    {
        using var agent = await fixture.AgentAsync();

        AssertProblem(await fixture.Client().GetAsync($"/api/v1/suggestions?conversationId={Guid.CreateVersion7()}"), HttpStatusCode.Unauthorized);
        Assert.Equal(["conversationId"], (await ErrorsAsync(await agent.GetAsync("/api/v1/suggestions"))).Keys);
        Assert.Equal(["limit"], (await ErrorsAsync(await agent.GetAsync($"/api/v1/suggestions?conversationId={Guid.CreateVersion7()}&limit=99"))).Keys);
    }

    private static string NewAddress() => $"customer.{Guid.NewGuid():N}@example.nl";

    private Task<(Guid Customer, Guid Message)> SendAsync(string address, string text) => fixture.SendCustomerMessageAsync(address, text);

    private Task PreferLanguageAsync(Guid customer, string language) => fixture.PreferLanguageAsync(customer, language);

    private Task AttachAsync(Guid conversation, Guid customer, Guid message) =>
        fixture.Bus.Publish(new MessageAttached(conversation, customer, message, "web", "assigned", DateTimeOffset.UtcNow));

    private async Task<SuggestionResult> SuggestionsAsync(Guid conversation, Func<SuggestionResult, bool> until)
    {
        using var agent = await fixture.AgentAsync();
        return await Eventually.Get(async () =>
        {
            var result = await agent.GetFromJsonAsync<SuggestionResult>($"/api/v1/suggestions?conversationId={conversation}");
            return until(result!) ? result : null;
        }, "suggestions for the conversation");
    }

}
