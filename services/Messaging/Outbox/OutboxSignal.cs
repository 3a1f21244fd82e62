using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omni.Messaging.Outbox;

/// <summary>
/// Wakes the dispatcher as soon as a transaction with outbox rows commits in this process, so events leave within
/// milliseconds instead of waiting for the next poll. The poll remains for rows written by a process that crashed.
/// </summary>
public sealed class OutboxSignal : WorkSignal;

/// <summary>Notifies the <see cref="OutboxSignal"/> once a save or commit that wrote outbox rows is durable.</summary>
public sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // One interceptor serves every (pooled) context, so what a context has written is remembered per context.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _wroteOutbox = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        // Inside an explicit transaction the rows become visible at commit; TransactionCommitted signals then.
        if (eventData.Context?.Database.CurrentTransaction is null) NotifyIfWritten(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) NotifyIfWritten(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        NotifyIfWritten(eventData.Context);

    public Task TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfWritten(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is not null) _wroteOutbox.Remove(eventData.Context);
    }

    public Task TransactionRolledBackAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private void Remember(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
        {
            _wroteOutbox.AddOrUpdate(context, true);
        }
    }

    private void NotifyIfWritten(DbContext? context)
    {
        if (context is not null && _wroteOutbox.Remove(context)) signal.Notify();
    }
}
