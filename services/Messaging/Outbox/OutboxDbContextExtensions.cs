using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Omni.Messaging.Outbox;

public static class OutboxDbContextExtensions
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Queues an event in the outbox. It is saved by the caller's next <c>SaveChanges</c>, in the caller's transaction,
    /// and published after commit. Returns the message id it will carry on the bus.
    /// </summary>
    public static Guid Enqueue<TMessage>(this DbContext db, TMessage message, TimeProvider? clock = null)
        where TMessage : class =>
        db.Enqueue(message, Activity.Current, clock);

    /// <summary>Queues an event that belongs to the trace of <paramref name="activity"/> rather than the current one.</summary>
    public static Guid Enqueue<TMessage>(this DbContext db, TMessage message, Activity? activity, TimeProvider? clock = null)
        where TMessage : class
    {
        var type = message.GetType();
        var row = new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            MessageType = $"{type.FullName}, {type.Assembly.GetName().Name}",
            Body = JsonSerializer.Serialize(message, type, SerializerOptions),
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
        };
        db.Set<OutboxMessage>().Add(row);
        return row.Id;
    }
}
