using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;

namespace Omni.Channel.Media;

/// <summary>
/// Fetches the files of customers' messages that the provider keeps (a WhatsApp image's media id, an MMS's media URL)
/// off the webhook's path: the webhook stores the message with its attachments <c>pending</c> and answers at once; this
/// worker claims pending attachments (<c>FOR UPDATE SKIP LOCKED</c>, so instances share the work), downloads each with
/// the account's credentials within the size and type limits, and stores the bytes (<c>stored</c>), or the reason it
/// will not (<c>refused</c>, <c>failed</c>). Timeouts, 429 and 5xx are retried with growing pauses.
/// </summary>
public sealed class MediaFetcher(
    IServiceScopeFactory scopes,
    IEnumerable<IMediaSource> sources,
    MediaSignal signal,
    IOptions<MediaOptions> options,
    TimeProvider clock,
    ILogger<MediaFetcher> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new("Omni.Channel");
    private static readonly Meter Meter = new("Omni.Channel");
    private static readonly Counter<long> Fetched = Meter.CreateCounter<long>("omni.channel.media.fetched", description: "Files fetched from providers and stored");
    private static readonly Counter<long> Retried = Meter.CreateCounter<long>("omni.channel.media.retried", description: "Media downloads that failed and will be retried");
    private static readonly Counter<long> NotKept = Meter.CreateCounter<long>("omni.channel.media.not_kept", description: "Files refused (limits) or given up");

    private readonly MediaOptions _options = options.Value;
    private readonly IReadOnlyList<IMediaSource> _sources = sources.ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var taken = await FetchBatchAsync(stoppingToken);
                if (taken == _options.BatchSize) continue;
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Fetching media failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private sealed record Claimed(MessageAttachment Attachment, Message Message, ChannelAccount? Account);

    private async Task<int> FetchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        List<Claimed> claimed;
        using (SuppressInstrumentationScope.Begin())
        {
            var now = clock.GetUtcNow();
            var attachments = await db.Attachments
                .FromSqlInterpolated($"""
                    SELECT * FROM message_attachments
                    WHERE "State" = 'Pending' AND "NextFetchAt" <= {now}
                    ORDER BY "NextFetchAt" LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(cancellationToken);
            if (attachments.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }
            var messageIds = attachments.Select(a => a.MessageId).Distinct().ToList();
            var messages = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
            var accountIds = messages.Values.Select(m => m.AccountId).OfType<Guid>().Distinct().ToList();
            var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
            claimed = attachments.Select(a =>
            {
                var message = messages[a.MessageId];
                return new Claimed(a, message, message.AccountId is { } id ? accounts.GetValueOrDefault(id) : null);
            }).ToList();
        }

        var results = await Task.WhenAll(claimed.Select(c => AttemptAsync(c, cancellationToken)));
        for (var i = 0; i < claimed.Count; i++)
        {
            var (attachment, message) = (claimed[i].Attachment, claimed[i].Message);
            attachment.FetchAttempts++;
            switch (results[i])
            {
                case MediaResult.Fetched fetched:
                    attachment.Content = fetched.Content;
                    attachment.Size = fetched.Content.LongLength;
                    attachment.ContentType = fetched.ContentType;
                    Settle(attachment, AttachmentState.Stored, null);
                    Fetched.Add(1);
                    break;
                case MediaResult.Retry retry when attachment.FetchAttempts < _options.MaxAttempts:
                    attachment.StateReason = Truncate(retry.Reason);
                    attachment.NextFetchAt = clock.GetUtcNow() + RetryDelay(attachment.FetchAttempts);
                    Retried.Add(1);
                    logger.LogInformation("File {AttachmentId} of message {MessageId}: attempt {Attempt} failed ({Reason}); retrying",
                        attachment.Id, message.Id, attachment.FetchAttempts, retry.Reason);
                    break;
                case MediaResult.Refused refused:
                    Settle(attachment, AttachmentState.Refused, refused.Reason);
                    NotKept.Add(1);
                    logger.LogInformation("File {AttachmentId} of message {MessageId} not kept: {Reason}", attachment.Id, message.Id, refused.Reason);
                    break;
                default:
                    var reason = results[i] switch
                    {
                        MediaResult.Failed failed => failed.Reason,
                        MediaResult.Retry retry => $"Gave up after {attachment.FetchAttempts} attempts: {retry.Reason}",
                        _ => "Unknown outcome",
                    };
                    Settle(attachment, AttachmentState.Failed, reason);
                    NotKept.Add(1);
                    logger.LogWarning("File {AttachmentId} of message {MessageId} could not be fetched: {Reason}", attachment.Id, message.Id, reason);
                    break;
            }
        }

        using (SuppressInstrumentationScope.Begin())
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return claimed.Count;
    }

    private async Task<MediaResult> AttemptAsync(Claimed claimed, CancellationToken cancellationToken)
    {
        var (attachment, message, account) = claimed;
        // Part of the trace of the webhook that brought the message.
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        using var activity = ActivitySource.StartActivity("fetch media", ActivityKind.Client, parent);
        activity?.SetTag("omni.message.id", message.Id);
        activity?.SetTag("omni.attachment.id", attachment.Id);
        activity?.SetTag("omni.channel", message.Channel);

        if (_sources.FirstOrDefault(s => s.Serves(message.Channel)) is not { } source) return new MediaResult.Failed($"Omni cannot fetch files on '{message.Channel}'");
        if (account is null || account.DisabledAt is not null) return new MediaResult.Failed("The channel account is gone or disabled");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            var result = await source.FetchAsync(attachment, account, _options, timeout.Token);
            if (result is not MediaResult.Fetched) activity?.SetStatus(ActivityStatusCode.Error, result.ToString());
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            return new MediaResult.Retry(ex is OperationCanceledException ? "The provider did not answer in time" : $"The provider could not be reached ({ex.GetType().Name})");
        }
    }

    private static void Settle(MessageAttachment attachment, AttachmentState state, string? reason)
    {
        attachment.State = state;
        attachment.StateReason = reason is null ? null : Truncate(reason);
        attachment.NextFetchAt = null;
    }

    private TimeSpan RetryDelay(int attempts) => TimeSpan.FromMilliseconds(Math.Min(
        _options.MaxRetryDelay.TotalMilliseconds,
        _options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4)));

    private static string Truncate(string value) => value.Length <= 500 ? value : value[..500];
}
