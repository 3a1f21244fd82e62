using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Omni.Messaging.Outbox;

public sealed class OutboxOptions
{
    /// <summary>Rows taken per round; their publishes run concurrently, so confirms overlap.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often to look for rows nobody signalled (written by a process that stopped before publishing).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one publish may wait for the broker's confirm before the row is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause between rounds while the broker keeps failing.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Sent outbox rows and processed inbox rows are kept this long, then deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Publishes committed outbox rows through MassTransit (with publisher confirms) and marks them sent.
/// Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several instances of a service share the work without
/// publishing a row twice in the normal case; after a crash between publish and mark, a row is published again
/// with the same message id and the consumers' inboxes drop the repeat.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    internal static readonly ActivitySource ActivitySource = new("Omni.Messaging");
    private static readonly Meter Meter = new("Omni.Messaging");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("omni.outbox.published", description: "Outbox messages published and confirmed");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("omni.outbox.publish_failures", description: "Outbox publishes that failed and will be retried");
    private static readonly ConcurrentDictionary<string, Type?> Types = new();
    private const int ParkAfterAttempts = 3;

    private readonly OutboxOptions _options = options.Value;
    private DateTimeOffset _nextCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (taken, published, unreadable) = await DispatchOnceAsync(stoppingToken);
                await CleanUpAsync(stoppingToken);
                // Only a broker that takes nothing is a reason to back off; rows that cannot be read are logged and parked behind fresh ones.
                if (taken > unreadable && published == 0) throw new OutboxPublishException($"none of {taken - unreadable} messages could be published");
                failures = 0;
                if (taken == _options.BatchSize) continue; // more are waiting
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                logger.LogWarning(ex, "Outbox of {Context} could not publish (attempt {Failures}); retrying in {Delay}", typeof(TContext).Name, failures, delay);
                try { await Task.Delay(delay, clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Claims one batch of unsent rows, publishes them and records the outcome. Returns (claimed, published, unreadable).</summary>
    internal async Task<(int Taken, int Published, int Unreadable)> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();

        List<OutboxMessage> batch;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Polls that find nothing would flood the traces; only real work is traced (under the trace that caused it).
        using (SuppressInstrumentationScope.Begin())
        {
            // Rows that keep failing go behind fresh ones, so a few poisoned rows never hold up every new event.
            batch = await db.Set<OutboxMessage>()
                .FromSqlInterpolated($"SELECT * FROM outbox_messages WHERE \"SentAt\" IS NULL ORDER BY (\"Attempts\" >= {ParkAfterAttempts}), \"Id\" LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return (0, 0, 0);
            }
        }

        var outcomes = await Task.WhenAll(batch.Select(row => PublishAsync(row, cancellationToken)));
        var now = clock.GetUtcNow();
        var (published, unreadable) = (0, 0);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Attempts++;
            if (outcomes[i] is null)
            {
                batch[i].SentAt = now;
                batch[i].LastError = null;
                published++;
            }
            else
            {
                batch[i].LastError = Truncate(outcomes[i]!.Message, 2000);
                if (outcomes[i] is OutboxMessageUnreadableException)
                {
                    unreadable++;
                    logger.LogError("Outbox message {MessageId} of {Context} cannot be read and is not published: {Reason}",
                        batch[i].Id, typeof(TContext).Name, outcomes[i]!.Message);
                }
            }
        }

        using (SuppressInstrumentationScope.Begin())
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Published.Add(published);
        if (published < batch.Count) Failed.Add(batch.Count - published);
        return (batch.Count, published, unreadable);
    }

    private async Task<Exception?> PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(row.TraceParent, row.TraceState, out var parent);
        using var activity = ActivitySource.StartActivity("outbox publish", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", row.Id);
        activity?.SetTag("omni.outbox.message_type", row.MessageType);
        try
        {
            var type = Types.GetOrAdd(row.MessageType, static name => Type.GetType(name, throwOnError: false))
                ?? throw new OutboxMessageUnreadableException($"Unknown message type '{row.MessageType}'");
            object message;
            try
            {
                message = JsonSerializer.Deserialize(row.Body, type, OutboxDbContextExtensions.SerializerOptions)
                    ?? throw new OutboxMessageUnreadableException($"Outbox message {row.Id} has an empty body");
            }
            catch (JsonException ex)
            {
                throw new OutboxMessageUnreadableException(ex.Message);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.PublishTimeout);
            await bus.Publish(message, type, context => context.MessageId = row.Id, timeout.Token);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return ex;
        }
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddHours(1);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = now - _options.Retention;
        using (SuppressInstrumentationScope.Begin())
        {
            await db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).ExecuteDeleteAsync(cancellationToken);
            // The inbox only has to outlive any redelivery; the same retention is ample.
            await db.Set<Inbox.InboxMessage>().Where(m => m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

public sealed class OutboxPublishException(string message) : Exception(message);

/// <summary>A row whose type or body cannot be turned back into a message (a contract removed, say): never publishable.</summary>
public sealed class OutboxMessageUnreadableException(string message) : Exception(message);
