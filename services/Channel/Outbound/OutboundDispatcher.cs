using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Messages;
using Omni.Contracts.Channel;
using Omni.Messaging.Outbox;

namespace Omni.Channel.Outbound;

public sealed class OutboundOptions
{
    public int BatchSize { get; set; } = 50;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts before a message is given up and <c>DeliveryFailed</c> published.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time one attempt may take before it counts as failed (and is retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Hands queued outbound messages to their providers. Each attempt runs under the trace that queued the message;
/// transient failures are retried with exponential backoff, and after the last attempt (or a permanent refusal) the
/// message is marked failed and <see cref="DeliveryFailed"/> published — never dropped in silence.
/// </summary>
public sealed class OutboundDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<IOutboundTransport> transports,
    OutboundSignal signal,
    IOptions<OutboundOptions> options,
    TimeProvider clock,
    ILogger<OutboundDispatcher> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new("Omni.Channel");
    private static readonly Meter Meter = new("Omni.Channel");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("omni.channel.outbound.sent", description: "Outbound messages a provider accepted");
    private static readonly Counter<long> Retried = Meter.CreateCounter<long>("omni.channel.outbound.retried", description: "Outbound attempts that failed and will be retried");
    private static readonly Counter<long> GivenUp = Meter.CreateCounter<long>("omni.channel.outbound.failed", description: "Outbound messages that could not be delivered");

    private readonly OutboundOptions _options = options.Value;
    private readonly Dictionary<string, IOutboundTransport> _transports = transports.ToDictionary(t => t.Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var taken = await SendBatchAsync(stoppingToken);
                if (taken == _options.BatchSize) continue;
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbound dispatch failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task<int> SendBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        List<OutboundWork> work;
        Dictionary<Guid, Message> messages;
        Dictionary<Guid, ChannelAccount> accounts;
        using (SuppressInstrumentationScope.Begin())
        {
            var now = clock.GetUtcNow();
            work = await db.OutboundWork
                .FromSqlInterpolated($"SELECT * FROM outbound_work WHERE \"NextAttemptAt\" <= {now} ORDER BY \"NextAttemptAt\" LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (work.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }
            var ids = work.Select(w => w.MessageId).ToList();
            messages = await db.Messages.Include(m => m.Attachments).Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
            var accountIds = messages.Values.Select(m => m.AccountId).Distinct().ToList();
            accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        }

        var results = await Task.WhenAll(work.Select(w => AttemptAsync(messages[w.MessageId], accounts, cancellationToken)));
        for (var i = 0; i < work.Count; i++)
        {
            var message = messages[work[i].MessageId];
            var (result, activity) = results[i];
            using (activity)
            {
                work[i].Attempts++;
                switch (result)
                {
                    case TransportResult.Accepted accepted:
                        message.Status = accepted.Status;
                        message.ExternalId = accepted.ProviderMessageId ?? message.ExternalId;
                        db.OutboundWork.Remove(work[i]);
                        db.Enqueue(new MessageDelivered(message.Id, message.CustomerId!.Value, message.ConversationId, message.Channel,
                            accepted.Status.ToString().ToLowerInvariant(), clock.GetUtcNow()), activity, clock);
                        Sent.Add(1);
                        break;
                    case TransportResult.Retry retry when work[i].Attempts < _options.MaxAttempts:
                        work[i].LastError = Truncate(retry.Reason);
                        work[i].NextAttemptAt = clock.GetUtcNow() + RetryDelay(work[i].Attempts);
                        Retried.Add(1);
                        logger.LogWarning("Message {MessageId} on {Channel}: attempt {Attempt} failed ({Reason}); retrying",
                            message.Id, message.Channel, work[i].Attempts, retry.Reason);
                        break;
                    default:
                        var reason = result switch
                        {
                            TransportResult.Failed failed => failed.Reason,
                            TransportResult.Retry retry => $"Gave up after {work[i].Attempts} attempts: {retry.Reason}",
                            _ => "Unknown outcome",
                        };
                        message.Status = MessageStatus.Failed;
                        message.StatusReason = Truncate(reason, 500);
                        db.OutboundWork.Remove(work[i]);
                        db.Enqueue(new DeliveryFailed(message.Id, message.CustomerId!.Value, message.ConversationId, message.Channel,
                            reason, work[i].Attempts, clock.GetUtcNow()), activity, clock);
                        GivenUp.Add(1);
                        logger.LogWarning("Message {MessageId} on {Channel} could not be delivered: {Reason}", message.Id, message.Channel, reason);
                        break;
                }
            }
        }

        using (SuppressInstrumentationScope.Begin())
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return work.Count;
    }

    private async Task<(TransportResult, Activity?)> AttemptAsync(Message message, Dictionary<Guid, ChannelAccount> accounts, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        var activity = ActivitySource.StartActivity($"send {message.Channel}", ActivityKind.Producer, parent);
        activity?.SetTag("omni.message.id", message.Id);
        activity?.SetTag("omni.channel", message.Channel);
        if (!_transports.TryGetValue(message.Channel, out var transport))
        {
            return (new TransportResult.Failed($"Omni cannot send on '{message.Channel}'"), activity);
        }
        if (message.AccountId is not { } accountId || !accounts.TryGetValue(accountId, out var account) || account.DisabledAt is not null)
        {
            return (new TransportResult.Failed("The channel account is gone or disabled"), activity);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.AttemptTimeout);
            var result = await transport.SendAsync(message, account, timeout.Token);
            if (result is not TransportResult.Accepted) activity?.SetStatus(ActivityStatusCode.Error, result.ToString());
            return (result, activity);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return (new TransportResult.Retry(ex.GetBaseException().Message), activity);
        }
    }

    private TimeSpan RetryDelay(int attempts) => TimeSpan.FromMilliseconds(Math.Min(
        _options.MaxRetryDelay.TotalMilliseconds,
        _options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4)));

    private static string Truncate(string value, int length = 2000) => value.Length <= length ? value : value[..length];
}
