using Grpc.Core;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Grpc;
using Omni.Contracts.Channel;
using Omni.Contracts.Knowledge;
using Omni.Contracts.Routing;
using Omni.Identity.Grpc;
using Omni.Knowledge.Data;
using Omni.Knowledge.Language;
using Omni.Knowledge.Search;
using Omni.Messaging;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;

namespace Omni.Knowledge.Bot;

/// <summary>
/// The bot: for a customer's message in a conversation routing has in the "bot" state, it answers with the best
/// published article when its confidence clears the threshold, or says honestly it has none; every message offers a
/// person. Asking for a person (the button, or words such as "medewerker", "human", "agent") hands over at once with
/// <see cref="HandoffRequested"/>, as does reaching the maximum of turns. When the channel or identity cannot be
/// reached the bot hands over rather than keep the customer waiting. One turn per message (inbox), its reply and
/// events in the same transaction (outbox).
/// </summary>
public sealed class BotConsumer(
    KnowledgeDbContext db, ArticleSearch search, SessionFacts facts, ChannelApi.ChannelApiClient channel, IdentityApi.IdentityApiClient identity,
    IInbox inbox, IOptions<BotOptions> options, TimeProvider clock, ILogger<BotConsumer> logger)
    : IConsumer<MessageAttached>
{
    public async Task Consume(ConsumeContext<MessageAttached> context)
    {
        var attached = context.Message;
        if (attached.State != "bot") return;
        var cancellationToken = context.CancellationToken;
        var settings = options.Value;
        var now = clock.GetUtcNow();

        var earlier = await db.BotTurns.AsNoTracking().Where(t => t.ConversationId == attached.ConversationId)
            .OrderBy(t => t.At).ToListAsync(cancellationToken);
        if (earlier.Any(t => t.MessageId == attached.MessageId || t.Kind == "handoff")) return; // answered, or let go already

        var text = await TextAsync(attached, settings, cancellationToken);
        var language = await LanguageAsync(attached.CustomerId, text, earlier, settings, cancellationToken);
        var known = await facts.ReadAsync(attached.CustomerId);
        var learned = new Dictionary<string, string>();
        if (text is not null && !known.ContainsKey(SessionFacts.OrderNumber) && SessionFacts.FindOrderNumber(text) is { } order)
        {
            learned[SessionFacts.OrderNumber] = order;
        }
        var orderNumber = learned.GetValueOrDefault(SessionFacts.OrderNumber) ?? known.GetValueOrDefault(SessionFacts.OrderNumber);

        var answers = earlier.Count(t => t.Kind is "answer" or "no-answer");
        string? handoff = text is null ? "no-answer"
            : HandoffPhrases.AsksForPerson(text) ? "asked"
            : answers >= settings.MaxTurns ? "max-turns"
            : null;

        if (handoff is not null)
        {
            var topic = earlier.LastOrDefault(t => t.ArticleId is not null) is { ArticleId: { } lastArticle }
                ? await db.Articles.Where(a => a.Id == lastArticle).Select(a => a.Tags.FirstOrDefault()).FirstOrDefaultAsync(cancellationToken)
                : null;
            Reply(attached, BotReplies.HandingOver(language, handoff), actions: null, now);
            db.Enqueue(new HandoffRequested(attached.ConversationId, attached.CustomerId, handoff, topic, language,
                await SummaryAsync(attached, earlier, text, orderNumber, cancellationToken), now), clock);
            Record(attached, "handoff", null, 0, language, now);
            logger.LogInformation("Bot hands conversation {ConversationId} over ({Reason})", attached.ConversationId, handoff);
        }
        else
        {
            var best = await search.BestAnswerAsync(text!, language, countGap: true, cancellationToken);
            var confident = best is not null && best.Confidence >= settings.ConfidenceThreshold;
            if (confident)
            {
                var article = await db.Articles.AsNoTracking().Where(a => a.Id == best!.ArticleId).Select(a => new { a.Title, a.PlainText, a.Tags }).FirstAsync(cancellationToken);
                var aboutOrders = article.Tags.Any(t => t is "orders" or "delivery" or "returns" or "bestellingen" or "bezorging" or "retourneren");
                // Never asks for what the session context already holds; asks for an order number only when it matters.
                var orderNote = !aboutOrders ? null
                    : orderNumber is null ? BotReplies.AskOrderNumber(language)
                    : learned.ContainsKey(SessionFacts.OrderNumber) ? BotReplies.KnownOrderNumber(language, orderNumber) : null;
                Reply(attached, BotReplies.Answer(language, article.Title, article.PlainText, settings.MaxAnswerLength, orderNote), [BotReplies.TalkToPerson(language)], now);
            }
            else
            {
                Reply(attached, BotReplies.NoGoodAnswer(language), [BotReplies.TalkToPerson(language)], now);
            }
            var kind = confident ? "answer" : "no-answer";
            Record(attached, kind, confident ? best!.ArticleId : null, best?.Confidence ?? 0, language, now);
            db.Enqueue(new BotAnswered(attached.ConversationId, attached.CustomerId, attached.MessageId, confident ? best!.ArticleId : null,
                best?.Confidence ?? 0, answers + 1, now), clock);
        }

        var customerId = attached.CustomerId;
        learned["knowledge.bot_turns"] = (earlier.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        inbox.AfterCommit(() => facts.WriteAsync(customerId, learned));
    }

    private void Reply(MessageAttached attached, string text, IReadOnlyList<string>? actions, DateTimeOffset now) =>
        db.Enqueue(new SendMessage(Guid.CreateVersion7(now), attached.CustomerId, attached.ConversationId, null, text, "bot", actions, now), clock);

    private void Record(MessageAttached attached, string kind, Guid? articleId, double confidence, string language, DateTimeOffset now) =>
        db.BotTurns.Add(new BotTurn
        {
            MessageId = attached.MessageId,
            ConversationId = attached.ConversationId,
            CustomerId = attached.CustomerId,
            Kind = kind,
            ArticleId = articleId,
            Confidence = confidence,
            Language = language,
            At = now,
        });

    /// <summary>The customer's words; null when the channel cannot say (then the bot hands over instead of guessing).</summary>
    private async Task<string?> TextAsync(MessageAttached attached, BotOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await channel.GetMessagesAsync(new GetMessagesRequest { MessageIds = { attached.MessageId.ToString() } },
                deadline: DateTime.UtcNow + settings.CallTimeout, cancellationToken: cancellationToken);
            return reply.Messages.FirstOrDefault(m => m.Direction == "inbound")?.Text is { Length: > 0 } text ? text.Trim() : null;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            logger.LogWarning("The channel did not answer ({Status}); the bot hands conversation {ConversationId} over", ex.StatusCode, attached.ConversationId);
            return null;
        }
    }

    private async Task<string> LanguageAsync(Guid customerId, string? text, List<BotTurn> earlier, BotOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            var customer = await identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() },
                deadline: DateTime.UtcNow + settings.CallTimeout, cancellationToken: cancellationToken);
            if (customer.PreferredLanguage is "nl" or "en") return customer.PreferredLanguage;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // The customer's words and the conversation so far decide.
        }
        return LanguageDetector.Detect(text) ?? earlier.LastOrDefault()?.Language ?? settings.DefaultLanguage;
    }

    /// <summary>
    /// What the customer told the bot, for the agent: their messages in this conversation (the texts stay in the
    /// channel service and are read from it) and the facts the bot noted.
    /// </summary>
    private async Task<string> SummaryAsync(MessageAttached attached, IEnumerable<BotTurn> earlier, string? latest, string? orderNumber, CancellationToken cancellationToken)
    {
        var said = new List<string>();
        try
        {
            var request = new GetMessagesRequest();
            // The bot's turns, and the messages the suggestions keep (a message may reach them before its own turn ran).
            var kept = await db.ConversationTexts.AsNoTracking().Where(t => t.ConversationId == attached.ConversationId)
                .Select(t => t.MessageId).ToListAsync(cancellationToken);
            request.MessageIds.AddRange(earlier.Select(t => t.MessageId).Concat(kept).Append(attached.MessageId).Distinct().Select(id => id.ToString()));
            var reply = await channel.GetMessagesAsync(request, deadline: DateTime.UtcNow + options.Value.CallTimeout, cancellationToken: cancellationToken);
            said.AddRange(reply.Messages.Where(m => m.Direction == "inbound" && m.Text.Length > 0).OrderBy(m => m.ReceivedAt.ToDateTimeOffset()).Select(m => m.Text.Trim()));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // The agent reads the transcript; the summary then holds what the bot has at hand.
        }
        if (latest is not null && !said.Contains(latest)) said.Add(latest);
        var lines = said.TakeLast(5).Select(s => "• " + (s.Length > 300 ? s[..300] + "…" : s)).ToList();
        if (orderNumber is not null) lines.Add($"Order number: {orderNumber}");
        var summary = string.Join("\n", lines);
        return summary.Length > 2000 ? summary[..2000] : summary;
    }
}

public sealed class BotConsumerDefinition : ConsumerDefinition<BotConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BotConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
        endpointConfigurator.UseInbox(context);
    }
}
