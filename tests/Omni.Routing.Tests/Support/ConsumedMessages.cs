using System.Collections.Concurrent;
using MassTransit;
using Omni.Testing;

namespace Omni.Routing.Tests.Support;

/// <summary>
/// Watches routing's own bus: which messages its endpoints have finished with (consumer, inbox and after-commit
/// steps included), so a test can wait for "handled" rather than for a time.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _handled = new();
    private readonly ConcurrentQueue<string> _faults = new();

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id) _handled.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        _faults.Enqueue($"{typeof(T).Name} {context.MessageId}: {exception.GetBaseException().Message}");
        return Task.CompletedTask;
    }

    /// <summary>Waits until the message with this bus id has been handled <paramref name="times"/> times (a redelivery counts again).</summary>
    public Task HandledAsync(Guid busMessageId, int times = 1) =>
        Eventually.True(() => Task.FromResult(_handled.GetValueOrDefault(busMessageId) >= times),
            $"routing to handle message {busMessageId} {times} time(s); faults so far: [{string.Join("; ", _faults)}]");
}
