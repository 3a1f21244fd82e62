using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Omni.Messaging.Inbox;

/// <summary>Runs a consumer's work at most once per message id and endpoint, in one transaction with its effects.</summary>
public interface IInbox
{
    /// <summary>
    /// Opens a transaction on the service's DbContext, records the message as processed, runs <paramref name="work"/>,
    /// saves and commits. Returns false, without running the work, when the message was processed before.
    /// </summary>
    Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<Task> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> once the consumer's transaction has committed: for effects outside the database
    /// (a cache, a notification) that must never announce what a rollback then undoes. A failure there is logged.
    /// </summary>
    void AfterCommit(Func<Task> action);
}

internal sealed class Inbox<TContext>(TContext db, TimeProvider clock, ILogger<Inbox<TContext>> logger) : IInbox
    where TContext : DbContext
{
    private static readonly Meter Meter = new("Omni.Messaging");
    private readonly List<Func<Task>> _afterCommit = [];
    private static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("omni.inbox.duplicates", description: "Redelivered messages recognised and skipped");

    public async Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<Task> work, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // A concurrent delivery of the same id blocks here on the key until the first commits or rolls back.
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO inbox_messages (\"MessageId\", \"Consumer\", \"ProcessedAt\") VALUES ({messageId}, {consumer}, {clock.GetUtcNow()}) ON CONFLICT DO NOTHING",
                cancellationToken);
            if (inserted == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                Duplicates.Add(1);
                logger.LogInformation("Message {MessageId} was already processed by {Consumer}; skipped", messageId, consumer);
                return false;
            }

            _afterCommit.Clear();
            await work();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // Leave the context clean for a retry in the same scope.
            db.ChangeTracker.Clear();
            _afterCommit.Clear();
            throw;
        }

        foreach (var action in _afterCommit)
        {
            try { await action(); }
            catch (Exception ex) { logger.LogWarning(ex, "An after-commit step of message {MessageId} failed", messageId); }
        }
        _afterCommit.Clear();
        return true;
    }

    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);
}
