using System.Runtime.CompilerServices;
using Omni.Routing.Conversations;
using Omni.Routing.Data;

namespace Omni.Routing.Decisions;

/// <summary>Writes why routing did something, in the same transaction as what it did.</summary>
public static class DecisionLog
{
    // The latest time written per conversation in each unit of work: decisions taken at one instant (opened and handed
    // to the bot, an offer lapsing and going to the next agent in one router pass) still read back in the order taken.
    private static readonly ConditionalWeakTable<RoutingDbContext, Dictionary<Guid, DateTimeOffset>> Latest = new();

    public static RoutingDecision Decide(
        this RoutingDbContext db, Conversation conversation, string kind, string reason, DateTimeOffset at,
        Guid? agentId = null, Guid? queueId = null, Guid? actorId = null, string? note = null)
    {
        var latest = Latest.GetOrCreateValue(db);
        // At least a microsecond apart: the resolution PostgreSQL keeps.
        if (latest.TryGetValue(conversation.Id, out var previous) && at < previous + TimeSpan.FromMicroseconds(1)) at = previous + TimeSpan.FromMicroseconds(1);
        latest[conversation.Id] = at;
        return db.Decisions.Add(new RoutingDecision
        {
            Id = Guid.CreateVersion7(at),
            ConversationId = conversation.Id,
            At = at,
            Kind = kind,
            Reason = reason.Length > 1000 ? reason[..1000] : reason,
            AgentId = agentId,
            QueueId = queueId ?? conversation.QueueId,
            ActorId = actorId,
            Note = note,
        }).Entity;
    }
}
