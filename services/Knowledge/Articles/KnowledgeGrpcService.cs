using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Data;
using Omni.Knowledge.Grpc;

namespace Omni.Knowledge.Articles;

/// <summary>The gRPC face of knowledge for other services.</summary>
public sealed class KnowledgeGrpcService(KnowledgeDbContext db) : KnowledgeApi.KnowledgeApiBase
{
    public override async Task<ArticleReply> GetArticle(GetArticleRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ArticleId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "article_id: not a UUID"));
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "article not found"));
        var reply = new ArticleReply
        {
            ArticleId = article.Id.ToString(),
            Language = article.Language,
            Title = article.Title,
            Body = article.Body,
            Status = article.Status.ToString().ToLowerInvariant(),
        };
        reply.Tags.AddRange(article.Tags);
        return reply;
    }
}
