using Grpc.Core;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omni.Channel.Grpc;
using Omni.Contracts.Routing;
using Omni.Identity.Grpc;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Language;
using Omni.Knowledge.Search;
using Omni.Messaging;
using Omni.Messaging.Inbox;

namespace Omni.Knowledge.Suggestions;

/// <summary>
/// Keeps the last few customer messages of each conversation for suggestions: the text comes from the channel service
/// (the event carries ids only), the language from the customer's preference in identity or else from their words.
/// Each new question no article answers well is counted once in the gap report.
/// </summary>
public sealed partial class MessageAttachedConsumer(
    KnowledgeDbContext db,
    ChannelApi.ChannelApiClient channel,
    IdentityApi.IdentityApiClient identity,
    ArticleSearch search,
    IInbox inbox,
    TimeProvider clock,
    IOptions<SuggestionOptions> options,
    ILogger<MessageAttachedConsumer> logger)
    : IConsumer<MessageAttached>
{
    public async Task Consume(ConsumeContext<MessageAttached> context)
    {
        var attached = context.Message;
        var cancellationToken = context.CancellationToken;
        var settings = options.Value;

        if (await db.ConversationTexts.AnyAsync(t => t.MessageId == attached.MessageId, cancellationToken)) return;
        var reply = await channel.GetMessagesAsync(new GetMessagesRequest { MessageIds = { attached.MessageId.ToString() } },
            deadline: DateTime.UtcNow + settings.CallTimeout, cancellationToken: cancellationToken);
        var message = reply.Messages.FirstOrDefault(m => m.MessageId == attached.MessageId.ToString() && m.Direction == "inbound");
        if (message is null || string.IsNullOrWhiteSpace(message.Text))
        {
            LogNoText(attached.MessageId, attached.ConversationId);
            return;
        }

        var now = clock.GetUtcNow();
        var conversation = await db.ConversationContexts.FirstOrDefaultAsync(c => c.ConversationId == attached.ConversationId, cancellationToken);
        if (conversation is null)
        {
            conversation = new ConversationContext { ConversationId = attached.ConversationId, CustomerId = attached.CustomerId, UpdatedAt = now };
            db.ConversationContexts.Add(conversation);
        }
        conversation.CustomerId = attached.CustomerId;
        conversation.UpdatedAt = now;
        var text = message.Text.Trim();
        if (text.Length > settings.MaxTextLength) text = text[..settings.MaxTextLength];
        db.ConversationTexts.Add(new ConversationText
        {
            MessageId = attached.MessageId,
            ConversationId = attached.ConversationId,
            Text = text,
            ReceivedAt = attached.ReceivedAt,
        });

        if (conversation.LanguageSource != "customer" && await PreferredLanguageAsync(attached.CustomerId, settings, cancellationToken) is { } preferred)
        {
            conversation.Language = preferred;
            conversation.LanguageSource = "customer";
        }
        await db.SaveChangesAsync(cancellationToken);

        var recent = await db.ConversationTexts.Where(t => t.ConversationId == attached.ConversationId)
            .OrderByDescending(t => t.ReceivedAt).ThenByDescending(t => t.MessageId).Select(t => new { t.MessageId, t.Text }).ToListAsync(cancellationToken);
        var stale = recent.Skip(settings.MessagesKept).Select(t => t.MessageId).ToList();
        if (stale.Count > 0) await db.ConversationTexts.Where(t => stale.Contains(t.MessageId)).ExecuteDeleteAsync(cancellationToken);
        if (conversation.LanguageSource != "customer"
            && LanguageDetector.Detect(string.Join(' ', recent.Take(settings.MessagesRead).Select(t => t.Text))) is { } detected)
        {
            conversation.Language = detected;
            conversation.LanguageSource = "detected";
        }

        // Counted once per message, after the commit (a failed search must not undo the message): a question nothing
        // answers well is a gap for editors. In the bot state the bot searches for the same message and counts it.
        if (attached.State != "bot")
        {
            var language = conversation.Language;
            inbox.AfterCommit(() => search.BestAnswerAsync(text, language, countGap: true, CancellationToken.None));
        }
    }

    private async Task<string?> PreferredLanguageAsync(Guid customerId, SuggestionOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            var customer = await identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId.ToString() },
                deadline: DateTime.UtcNow + settings.CallTimeout, cancellationToken: cancellationToken);
            return Languages.Normalize(customer.PreferredLanguage);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // Identity away (or the customer erased meanwhile): the customer's words tell the language until the next message.
            LogIdentityUnavailable(customerId, ex.StatusCode);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Message {MessageId} of conversation {ConversationId} has no inbound text at the channel; nothing to suggest from")]
    private partial void LogNoText(Guid messageId, Guid conversationId);

    [LoggerMessage(LogLevel.Warning, "No preferred language of customer {CustomerId} from identity ({Status}); detecting it from the messages")]
    private partial void LogIdentityUnavailable(Guid customerId, StatusCode status);
}

/// <summary>Retries (the channel or identity briefly away) around the inbox, one transaction per attempt.</summary>
public sealed class MessageAttachedConsumerDefinition : ConsumerDefinition<MessageAttachedConsumer>
{
    public MessageAttachedConsumerDefinition()
    {
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<MessageAttachedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        endpointConfigurator.UseInbox(context);
    }
}
