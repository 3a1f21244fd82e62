namespace Omni.Testing;

/// <summary>Waits for an asynchronous outcome (a message to travel the broker, say) without asserting any time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, then returns it; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task<T> Get<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 2));
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await Get<object>(async () => await condition() ? new object() : null, what, timeout);
}
