using StackExchange.Redis;

namespace Omni.Routing.Agents;

/// <summary>
/// Agents' presence (online, away, offline), live state in Redis: key <c>omni:presence:{agentId}</c> holds the state
/// and when it began, and expires unless the agent's desk beats its heart within <see cref="HeartbeatTimeout"/> —
/// a closed laptop turns into "offline" by itself. The set <c>omni:presence:agents</c> lists who has a key.
/// </summary>
public sealed class PresenceStore(IConnectionMultiplexer redis, TimeProvider clock)
{
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(45);

    private const string IndexKey = "omni:presence:agents";

    public static readonly IReadOnlyList<string> States = [PresenceStates.Online, PresenceStates.Away, PresenceStates.Offline];

    private static RedisKey Key(Guid agentId) => $"omni:presence:{agentId:N}";

    /// <summary>Sets the agent's state; returns the previous one. Offline removes the key.</summary>
    public async Task<string> SetAsync(Guid agentId, string state)
    {
        var database = redis.GetDatabase();
        var previous = (string?)await database.HashGetAsync(Key(agentId), "state") ?? PresenceStates.Offline;
        if (state == PresenceStates.Offline)
        {
            await database.KeyDeleteAsync(Key(agentId));
            await database.SetRemoveAsync(IndexKey, agentId.ToString("N"));
            return previous;
        }

        var now = clock.GetUtcNow();
        var batch = database.CreateBatch();
        var writes = new List<Task>
        {
            batch.HashSetAsync(Key(agentId), [
                new HashEntry("state", state),
                new HashEntry("since", previous == state ? (await database.HashGetAsync(Key(agentId), "since")).ToString() : now.ToString("O")),
                new HashEntry("seen", now.ToString("O")),
            ]),
            batch.KeyExpireAsync(Key(agentId), HeartbeatTimeout),
            batch.SetAddAsync(IndexKey, agentId.ToString("N")),
        };
        batch.Execute();
        await Task.WhenAll(writes);
        return previous;
    }

    /// <summary>Keeps the agent's state alive; false when it had already lapsed (the agent must say again that they are online).</summary>
    public async Task<bool> HeartbeatAsync(Guid agentId)
    {
        var database = redis.GetDatabase();
        if (!await database.KeyExpireAsync(Key(agentId), HeartbeatTimeout)) return false;
        await database.HashSetAsync(Key(agentId), "seen", clock.GetUtcNow().ToString("O"));
        return true;
    }

    public async Task<AgentPresence> GetAsync(Guid agentId) =>
        Read(agentId, await redis.GetDatabase().HashGetAllAsync(Key(agentId)));

    /// <summary>Every agent with a live state (online or away); all others are offline. Lapsed entries are pruned from the index.</summary>
    public async Task<IReadOnlyDictionary<Guid, AgentPresence>> AllAsync()
    {
        var database = redis.GetDatabase();
        var members = await database.SetMembersAsync(IndexKey);
        var ids = members.Select(m => Guid.TryParse(m.ToString(), out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        var batch = database.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAllAsync(Key(id))).ToList();
        batch.Execute();
        var result = new Dictionary<Guid, AgentPresence>(ids.Count);
        var lapsed = new List<RedisValue>();
        for (var i = 0; i < ids.Count; i++)
        {
            var presence = Read(ids[i], await reads[i]);
            if (presence.State == PresenceStates.Offline) lapsed.Add(ids[i].ToString("N"));
            else result[ids[i]] = presence;
        }
        if (lapsed.Count > 0) await database.SetRemoveAsync(IndexKey, [.. lapsed]);
        return result;
    }

    private static AgentPresence Read(Guid agentId, HashEntry[] entries)
    {
        if (entries.Length == 0) return new AgentPresence(agentId, PresenceStates.Offline, null, null);
        var values = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        return new AgentPresence(
            agentId,
            values.GetValueOrDefault("state") ?? PresenceStates.Offline,
            DateTimeOffset.TryParse(values.GetValueOrDefault("since"), out var since) ? since : null,
            DateTimeOffset.TryParse(values.GetValueOrDefault("seen"), out var seen) ? seen : null);
    }
}

public static class PresenceStates
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Offline = "offline";
}

/// <summary>An agent's presence: its state, since when, and when their desk was last heard from.</summary>
public sealed record AgentPresence(Guid AgentId, string State, DateTimeOffset? Since, DateTimeOffset? LastSeen);
