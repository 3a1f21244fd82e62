using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Routing.Data;
using Omni.Routing.Grpc;

namespace Omni.Routing.Conversations;

/// <summary>The gRPC face of routing for other services.</summary>
public sealed class RoutingGrpcService(RoutingDbContext db) : RoutingApi.RoutingApiBase
{
    public override async Task<ConversationStatusReply> GetConversationStatus(GetConversationStatusRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.CustomerId, out var customerId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "customer_id: not a UUID"));
        }

        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == customerId && c.Status == ConversationStatus.Open)
            .Select(c => new { c.Id, c.Status, c.OpenedAt, c.LastMessageAt, c.LastChannel, Count = c.Messages.Count })
            .FirstOrDefaultAsync(context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "no open conversation"));

        return new ConversationStatusReply
        {
            ConversationId = open.Id.ToString(),
            State = open.Status.ToString().ToLowerInvariant(),
            OpenedAt = Timestamp.FromDateTimeOffset(open.OpenedAt),
            LastMessageAt = Timestamp.FromDateTimeOffset(open.LastMessageAt),
            LastChannel = open.LastChannel,
            MessageCount = open.Count,
        };
    }
}
