namespace Omni.Messaging;

/// <summary>
/// A wake-up call for a background worker that otherwise polls: many notifications while it is busy collapse into
/// one, and a worker that waits with a timeout still polls when nobody calls.
/// </summary>
public class WorkSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        // Already signalled (the common case under load): the worker looks anyway. Checked first because a full
        // semaphore answers Release with an exception, which at hundreds of notifications a second costs real CPU.
        if (_pending.CurrentCount > 0) return;
        try { _pending.Release(); }
        catch (SemaphoreFullException) { /* signalled by another thread in between */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
