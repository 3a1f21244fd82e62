using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Omni.Channel.Data;
using Omni.Contracts.Channel;
using Omni.Identity.Grpc;
using Omni.Messaging.Outbox;

namespace Omni.Channel.Messages;

public sealed class InboundProcessorOptions
{
    public int BatchSize { get; set; } = 50;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline of one resolve call to identity.</summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between attempts for one message while identity is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Second half of "one inbound message": takes stored messages whose sender is not resolved yet, asks identity who the
/// sender is, and in one transaction records the customer, drops the work row and puts <see cref="MessageReceived"/>
/// in the outbox. While identity is down, work waits with growing pauses; nothing is dropped.
/// </summary>
public sealed class InboundProcessor(
    IServiceScopeFactory scopes,
    IdentityApi.IdentityApiClient identity,
    InboundSignal signal,
    IOptions<InboundProcessorOptions> options,
    TimeProvider clock,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new("Omni.Channel");
    private static readonly Meter Meter = new("Omni.Channel");
    private static readonly Counter<long> Processed = Meter.CreateCounter<long>("omni.channel.inbound.processed", description: "Inbound messages whose sender was resolved and announced");
    private static readonly Counter<long> Deferred = Meter.CreateCounter<long>("omni.channel.inbound.deferred", description: "Resolve attempts that failed and will be retried");
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("omni.channel.inbound.rejected", description: "Inbound messages whose sender identity refused");

    private readonly InboundProcessorOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var taken = await ProcessBatchAsync(stoppingToken);
                if (taken == _options.BatchSize) continue;
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Inbound processing failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        List<InboundWork> work;
        List<Message> messages;
        using (SuppressInstrumentationScope.Begin())
        {
            var now = clock.GetUtcNow();
            work = await db.InboundWork
                .FromSqlInterpolated($"SELECT * FROM inbound_work WHERE \"NextAttemptAt\" <= {now} ORDER BY \"NextAttemptAt\" LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (work.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }
            var ids = work.Select(w => w.MessageId).ToList();
            messages = await db.Messages.Where(m => ids.Contains(m.Id)).ToListAsync(cancellationToken);
        }

        var byId = messages.ToDictionary(m => m.Id);
        var outcomes = await Task.WhenAll(work.Select(w => ResolveAsync(byId[w.MessageId], cancellationToken)));

        for (var i = 0; i < work.Count; i++)
        {
            var (message, outcome) = (byId[work[i].MessageId], outcomes[i]);
            using var activity = outcome.Activity;
            switch (outcome)
            {
                case { CustomerId: { } customerId }:
                    message.CustomerId = customerId;
                    message.Status = MessageStatus.Received;
                    db.InboundWork.Remove(work[i]);
                    // An automatic message (an out-of-office, a system notice) joins the customer's record, not a conversation.
                    if (!message.Metadata.ContainsKey(InboundMetadata.Automatic))
                    {
                        db.Enqueue(new MessageReceived(message.Id, customerId, message.Channel, message.ReceivedAt), activity, clock);
                    }
                    Processed.Add(1);
                    break;
                case { Permanent: true }:
                    message.Status = MessageStatus.Rejected;
                    message.StatusReason = outcome.Error;
                    db.InboundWork.Remove(work[i]);
                    Rejected.Add(1);
                    logger.LogWarning("Message {MessageId} rejected: its sender cannot be resolved ({Reason})", message.Id, outcome.Error);
                    break;
                default:
                    work[i].Attempts++;
                    work[i].LastError = outcome.Error;
                    work[i].NextAttemptAt = clock.GetUtcNow() + RetryDelay(work[i].Attempts);
                    Deferred.Add(1);
                    logger.LogWarning("Message {MessageId}: identity not reachable (attempt {Attempt}: {Reason}); will retry",
                        message.Id, work[i].Attempts, outcome.Error);
                    break;
            }
        }

        using (SuppressInstrumentationScope.Begin())
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return work.Count;
    }

    private sealed record Outcome(Activity? Activity, Guid? CustomerId, bool Permanent = false, string? Error = null);

    private async Task<Outcome> ResolveAsync(Message message, CancellationToken cancellationToken)
    {
        // Continue the trace of the request that delivered the message.
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        var activity = ActivitySource.StartActivity("resolve sender", ActivityKind.Internal, parent);
        activity?.SetTag("omni.message.id", message.Id);
        activity?.SetTag("omni.channel", message.Channel);
        try
        {
            var reply = await identity.ResolveCustomerAsync(
                new ResolveCustomerRequest { Kind = message.SenderKind, Address = message.SenderAddress },
                deadline: DateTime.UtcNow.Add(_options.ResolveTimeout),
                cancellationToken: cancellationToken);
            activity?.SetTag("omni.customer.id", reply.CustomerId);
            return new Outcome(activity, Guid.Parse(reply.CustomerId));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Status.Detail);
            return new Outcome(activity, null, Permanent: true, Error: ex.Status.Detail);
        }
        catch (RpcException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.StatusCode.ToString());
            return new Outcome(activity, null, Error: $"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    private TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.MaxRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(attempts, 12))));
}
