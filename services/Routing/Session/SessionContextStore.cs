using StackExchange.Redis;

namespace Omni.Routing.Session;

/// <summary>
/// Routing's fields of a customer's live session context in Redis (key <c>omni:session:{customerId}</c>): the open
/// conversation and the channel last used. Other services write their own fields of the same hash. It is a cache
/// of routing's database: losing it loses nothing.
/// </summary>
public sealed class SessionContextStore(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static string Key(Guid customerId) => $"omni:session:{customerId:N}";

    public async Task RecordMessageAsync(Guid customerId, Guid conversationId, string channel, DateTimeOffset at)
    {
        var db = redis.GetDatabase();
        var key = Key(customerId);
        var batch = db.CreateBatch();
        var set = batch.HashSetAsync(key,
        [
            new HashEntry("routing.conversation_id", conversationId.ToString()),
            new HashEntry("routing.last_channel", channel),
            new HashEntry("routing.last_message_at", at.ToString("O")),
        ]);
        var expire = batch.KeyExpireAsync(key, Lifetime);
        batch.Execute();
        await Task.WhenAll(set, expire);
    }

    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(Guid customerId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(customerId));
        return entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
    }
}
