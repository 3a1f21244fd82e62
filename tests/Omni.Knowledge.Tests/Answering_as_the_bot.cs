using Omni.Contracts.Routing;
using Omni.Knowledge.Bot;
using Omni.Testing;
using Xunit;

namespace Omni.Knowledge.Tests;

/// <summary>
/// The bot as a customer meets it: real messages through the channel, routing's MessageAttached in the "bot" state,
/// and what the bot sends (SendMessage) and tells routing (BotAnswered, HandoffRequested) read off the bus.
/// </summary>
[Collection(KnowledgeCollection.Name)]
public sealed class Answering_as_the_bot(KnowledgeServiceFixture fixture)
{
    [Fact]
    public async Task Answers_with_the_best_article_and_always_offers_a_person()
    {
        var (conversation, customer, message) = await AskAsync("Hoe kan ik mijn bestelling annuleren?");

        var sent = await fixture.SentMessages.WaitFor(m => m.ConversationId == conversation, "the bot's answer");
        var answered = await fixture.BotAnswers.WaitFor(a => a.ConversationId == conversation, "BotAnswered");

        Assert.Equal("bot", sent.Message.Sender);
        Assert.Equal(customer, sent.Message.CustomerId);
        Assert.Contains("annuleren", sent.Message.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["Met een medewerker praten"], sent.Message.Actions);
        Assert.NotNull(answered.Message.ArticleId);
        Assert.Equal(message, answered.Message.InReplyTo);
        Assert.InRange(answered.Message.Confidence, 0.4, 1);
        Assert.Empty(fixture.Handoffs.Matching(h => h.ConversationId == conversation));
    }

    [Fact]
    public async Task Says_honestly_when_it_has_no_good_answer()
    {
        var (conversation, _, _) = await AskAsync("What is the airspeed velocity of an unladen swallow?");

        var sent = await fixture.SentMessages.WaitFor(m => m.ConversationId == conversation, "the bot's reply");
        var answered = await fixture.BotAnswers.WaitFor(a => a.ConversationId == conversation, "BotAnswered");

        Assert.Null(answered.Message.ArticleId);
        Assert.StartsWith("I'm sorry, I don't have a good answer", sent.Message.Text);
        Assert.Equal(["Talk to a person"], sent.Message.Actions);
    }

    [Theory]
    [InlineData("Ik wil een medewerker spreken")]
    [InlineData("MENS!!")]
    [InlineData("kan ik iemand spreken?")]
    [InlineData("human please")]
    [InlineData("Let me talk to an agent.")]
    [InlineData("I need a representative")]
    [InlineData("Met een medewerker praten")]
    public async Task Hands_over_at_once_when_the_customer_asks_for_a_person(string words)
    {
        var (conversation, customer, _) = await AskAsync(words);

        var handoff = await fixture.Handoffs.WaitFor(h => h.ConversationId == conversation, "the handoff");
        var sent = await fixture.SentMessages.WaitFor(m => m.ConversationId == conversation, "the bot's goodbye");

        Assert.Equal(("asked", customer), (handoff.Message.Reason, handoff.Message.CustomerId));
        Assert.Contains(words, handoff.Message.Summary);
        Assert.Null(sent.Message.Actions);
        Assert.Empty(fixture.BotAnswers.Matching(a => a.ConversationId == conversation));
    }

    [Fact]
    public async Task Hands_over_by_itself_after_its_maximum_of_turns_with_what_the_customer_said()
    {
        var conversation = Guid.CreateVersion7();
        var address = $"turns.{Guid.NewGuid():N}@example.nl";
        var questions = new[] { "How do I return a parcel?", "How long does delivery take?", "Which payment methods can I use?", "And gift cards?" };
        foreach (var (question, turn) in questions.Select((q, i) => (q, i + 1)))
        {
            var (customer, message) = await fixture.SendCustomerMessageAsync(address, question);
            await fixture.Bus.Publish(new MessageAttached(conversation, customer, message, "web", "bot", DateTimeOffset.UtcNow));
            if (turn <= 3) await fixture.BotAnswers.WaitFor(a => a.ConversationId == conversation && a.Turn == turn, $"answer {turn}");
        }

        var handoff = await fixture.Handoffs.WaitFor(h => h.ConversationId == conversation, "the handoff after three turns");
        Assert.Equal("max-turns", handoff.Message.Reason);
        Assert.Equal("en", handoff.Message.Language);
        Assert.Contains("How do I return a parcel?", handoff.Message.Summary);
        Assert.Contains("And gift cards?", handoff.Message.Summary);
        Assert.Equal(3, fixture.BotAnswers.Matching(a => a.ConversationId == conversation).Count);
    }

    [Fact]
    public async Task Never_asks_for_an_order_number_the_session_context_already_holds()
    {
        var address = $"order.{Guid.NewGuid():N}@example.nl";
        var (asked, _, _) = await AskAsync("Where is my parcel? It has not been delivered yet", address);
        var first = await fixture.SentMessages.WaitFor(m => m.ConversationId == asked, "the first answer");
        Assert.Contains(BotReplies.AskOrderNumber("en"), first.Message.Text);

        // The customer gives it; the bot notes it in the session context, and a later conversation does not ask again.
        var (told, _, _) = await AskAsync("My order 4815162342 has not been delivered yet, where is my parcel?", address);
        var second = await fixture.SentMessages.WaitFor(m => m.ConversationId == told, "the second answer");
        Assert.Contains(BotReplies.KnownOrderNumber("en", "4815162342"), second.Message.Text);
        var (later, _, _) = await AskAsync("Where is my parcel? Still not delivered", address);
        var third = await fixture.SentMessages.WaitFor(m => m.ConversationId == later, "the third answer");
        Assert.DoesNotContain(BotReplies.AskOrderNumber("en"), third.Message.Text);
    }

    [Fact]
    public async Task Stays_quiet_when_the_conversation_is_with_people_and_answers_a_message_once()
    {
        var (customer, message) = await fixture.SendCustomerMessageAsync($"quiet.{Guid.NewGuid():N}@example.nl", "medewerker");
        var withPeople = Guid.CreateVersion7();
        await fixture.Bus.Publish(new MessageAttached(withPeople, customer, message, "web", "queued", DateTimeOffset.UtcNow));

        // Delivered twice: one turn.
        var twice = Guid.CreateVersion7();
        var (customer2, message2) = await fixture.SendCustomerMessageAsync($"twice.{Guid.NewGuid():N}@example.nl", "How do I return a parcel?");
        var attached = new MessageAttached(twice, customer2, message2, "web", "bot", DateTimeOffset.UtcNow);
        await fixture.Bus.Publish(attached);
        await fixture.Bus.Publish(attached);
        await fixture.BotAnswers.WaitFor(a => a.ConversationId == twice, "the answer");
        await Eventually.True(async () => await fixture.ReadAsync<long>("""SELECT count(*) FROM bot_turns WHERE "ConversationId" = $1""", twice) == 1, "one turn");

        Assert.Empty(fixture.SentMessages.Matching(m => m.ConversationId == withPeople));
        Assert.Empty(fixture.Handoffs.Matching(h => h.ConversationId == withPeople));
        Assert.Single(fixture.BotAnswers.Matching(a => a.ConversationId == twice));
    }

    private async Task<(Guid Conversation, Guid Customer, Guid Message)> AskAsync(string text, string? address = null)
    {
        var conversation = Guid.CreateVersion7();
        var (customer, message) = await fixture.SendCustomerMessageAsync(address ?? $"bot.{Guid.NewGuid():N}@example.nl", text);
        await fixture.Bus.Publish(new MessageAttached(conversation, customer, message, "web", "bot", DateTimeOffset.UtcNow));
        return (conversation, customer, message);
    }
}
