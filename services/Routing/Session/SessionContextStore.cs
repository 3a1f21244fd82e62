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

    // Writes routing's fields only when they are at least as new as what is there: after-commit writes of two
    // consumers can reach Redis in either order. "O" strings of UTC times compare like the times.
    private static readonly LuaScript RecordIfNewer = LuaScript.Prepare("""
        local current = redis.call('HGET', @key, 'routing.last_message_at')
        if current and current > @at then return 0 end
        redis.call('HSET', @key, 'routing.conversation_id', @conversation, 'routing.last_channel', @channel, 'routing.last_message_at', @at)
        redis.call('EXPIRE', @key, @ttl)
        return 1
        """);

    public async Task RecordMessageAsync(Guid customerId, Guid conversationId, string channel, DateTimeOffset at) =>
        await redis.GetDatabase().ScriptEvaluateAsync(RecordIfNewer, new
        {
            key = (RedisKey)Key(customerId),
            conversation = conversationId.ToString(),
            channel,
            at = at.ToUniversalTime().ToString("O"),
            ttl = (long)Lifetime.TotalSeconds,
        });

    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(Guid customerId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(customerId));
        return entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
    }
}
