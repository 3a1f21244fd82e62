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
        try { _pending.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
