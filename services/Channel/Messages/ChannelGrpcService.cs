using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Channel.Data;
using Omni.Channel.Grpc;

namespace Omni.Channel.Messages;

/// <summary>The gRPC face of the channel service for other services.</summary>
public sealed class ChannelGrpcService(ChannelDbContext db) : ChannelApi.ChannelApiBase
{
    private const int MaxIds = 500;

    public override async Task<GetMessagesReply> GetMessages(GetMessagesRequest request, ServerCallContext context)
    {
        if (request.MessageIds.Count > MaxIds)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"message_ids: at most {MaxIds} per call"));
        }
        var ids = new List<Guid>(request.MessageIds.Count);
        foreach (var raw in request.MessageIds)
        {
            if (!Guid.TryParse(raw, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "message_ids: not all are UUIDs"));
            ids.Add(id);
        }

        Guid? conversationId = null;
        if (request.ConversationId.Length > 0)
        {
            if (!Guid.TryParse(request.ConversationId, out var parsed)) throw new RpcException(new Status(StatusCode.InvalidArgument, "conversation_id: not a UUID"));
            conversationId = parsed;
        }

        var messages = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.Id) || (conversationId != null && m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound))
            .OrderBy(m => m.ReceivedAt).ThenBy(m => m.Id)
            .ToListAsync(context.CancellationToken);

        var reply = new GetMessagesReply();
        reply.Messages.AddRange(messages.Select(m => new ChannelMessage
        {
            Sender = m.Sender ?? "",
            Actions = { Outbound.OutboundActions.Of(m.Metadata) },
            MessageId = m.Id.ToString(),
            Channel = m.Channel,
            Direction = m.Direction.ToString().ToLowerInvariant(),
            Text = m.Text,
            ReceivedAt = Timestamp.FromDateTimeOffset(m.ReceivedAt),
            Status = m.Status.ToString().ToLowerInvariant(),
            CustomerId = m.CustomerId?.ToString() ?? "",
        }));
        return reply;
    }
}
