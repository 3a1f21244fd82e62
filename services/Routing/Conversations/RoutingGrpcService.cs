using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Routing.Agents;
using Omni.Routing.Data;
using Omni.Routing.Grpc;

namespace Omni.Routing.Conversations;

/// <summary>The gRPC face of routing for other services.</summary>
public sealed class RoutingGrpcService(RoutingDbContext db, PresenceStore presence) : RoutingApi.RoutingApiBase
{
    public override async Task<ConversationStatusReply> GetConversationStatus(GetConversationStatusRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.CustomerId, out var customerId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "customer_id: not a UUID"));
        }

        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == customerId && ConversationState.Open.Contains(c.State))
            .Select(c => new
            {
                c.Id, c.State, c.OpenedAt, c.LastMessageAt, c.LastChannel, Count = c.Messages.Count, c.ToldPosition, c.ToldWaitSeconds, c.AgentId,
                Queue = db.Queues.Where(q => q.Id == c.QueueId).Select(q => q.Name).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "no open conversation"));

        var reply = new ConversationStatusReply
        {
            ConversationId = open.Id.ToString(),
            State = open.State,
            OpenedAt = Timestamp.FromDateTimeOffset(open.OpenedAt),
            LastMessageAt = Timestamp.FromDateTimeOffset(open.LastMessageAt),
            LastChannel = open.LastChannel,
            MessageCount = open.Count,
            QueueName = open.Queue ?? "",
        };
        if (open.State == ConversationState.Queued)
        {
            reply.Position = open.ToldPosition ?? 0;
            reply.EstimatedWaitSeconds = open.ToldWaitSeconds ?? 0;
        }
        if (open.AgentId is { } agentId && open.State is ConversationState.Assigned or ConversationState.WaitingOnCustomer)
        {
            var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, context.CancellationToken);
            reply.AgentFirstName = agent?.FirstName ?? "";
        }
        return reply;
    }

    public override async Task<AgentWorkloadReply> GetAgentWorkload(GetAgentWorkloadRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.AgentId, out var agentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id: not a UUID"));
        }
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "unknown agent"));
        var workload = await AgentsApi.WorkloadAsync(db, presence, agent, context.CancellationToken);
        var reply = new AgentWorkloadReply { AgentId = agent.Id.ToString(), Presence = workload.Presence, Load = workload.Load, Capacity = workload.Capacity };
        reply.ConversationIds.AddRange(workload.Conversations.Select(c => c.ConversationId.ToString()));
        reply.OfferedConversationIds.AddRange(workload.Offers.Select(c => c.ConversationId.ToString()));
        return reply;
    }
}
