using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Data;
using Omni.Knowledge.Grpc;
using Omni.Knowledge.Search;
using Omni.Knowledge.Suggestions;
using SearchHit = Omni.Knowledge.Search.SearchHit;

namespace Omni.Knowledge.Articles;

/// <summary>The gRPC face of knowledge for other services.</summary>
public sealed class KnowledgeGrpcService(KnowledgeDbContext db, ArticleMarkdown markdown, ArticleSearch search, ConversationSuggestions suggestions)
    : KnowledgeApi.KnowledgeApiBase
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
            Status = ArticlesApi.Wire(article.Status),
            Slug = article.Slug,
            TranslationKey = article.TranslationKey,
            Html = markdown.ToHtml(article.Body),
            Version = article.Version,
        };
        reply.Tags.AddRange(article.Tags);
        return reply;
    }

    public override async Task<SearchReply> Search(SearchRequest request, ServerCallContext context)
    {
        if (SearchQuery.Problem(request.Query) is { } problem) throw new RpcException(new Status(StatusCode.InvalidArgument, $"query: {problem}"));
        string? language = null;
        if (request.Language.Length > 0)
        {
            language = Languages.Normalize(request.Language)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"language: {Languages.Unsupported(request.Language)[0]}"));
        }
        if (request.Page is < 0 or > ArticleSearch.MaxPage) throw new RpcException(new Status(StatusCode.InvalidArgument, $"page: 1 to {ArticleSearch.MaxPage}"));
        if (request.PageSize is < 0 or > ArticleSearch.MaxPageSize) throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size: 1 to {ArticleSearch.MaxPageSize}"));

        var result = await search.SearchAsync(request.Query, language, request.IncludeDrafts ? Audience.Agent : Audience.Customer, request.Tags,
            request.Page == 0 ? 1 : request.Page, request.PageSize == 0 ? ArticleSearch.DefaultPageSize : request.PageSize,
            SearchKind.Search, countGap: true, context.CancellationToken);
        var reply = new SearchReply
        {
            Page = result.Page,
            PageSize = result.PageSize,
            Total = result.Total,
            Confidence = result.Confidence,
            Strategy = result.Strategy,
        };
        reply.Hits.AddRange(result.Items.Select(ToGrpc));
        reply.Corrections.AddRange(result.Corrections.Select(c => new Grpc.Correction { Word = c.Word, CorrectedTo = c.CorrectedTo, Language = c.Language }));
        return reply;
    }

    public override async Task<SuggestReply> Suggest(SuggestRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ConversationId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "conversation_id: not a UUID"));
        if (request.Limit is < 0 or > ConversationSuggestions.MaxLimit) throw new RpcException(new Status(StatusCode.InvalidArgument, $"limit: 1 to {ConversationSuggestions.MaxLimit}"));
        var result = await suggestions.SuggestAsync(id, request.Limit == 0 ? 3 : request.Limit, context.CancellationToken);
        var reply = new SuggestReply
        {
            ConversationId = id.ToString(),
            Language = result.Language ?? "",
            LanguageSource = result.LanguageSource ?? "",
            Confidence = result.Confidence,
            MessagesConsidered = result.MessagesConsidered,
        };
        reply.Hits.AddRange(result.Articles.Select(ToGrpc));
        return reply;
    }

    private static Grpc.SearchHit ToGrpc(SearchHit hit)
    {
        var reply = new Grpc.SearchHit
        {
            ArticleId = hit.ArticleId.ToString(),
            Language = hit.Language,
            Slug = hit.Slug,
            Title = hit.Title,
            SnippetHtml = hit.SnippetHtml,
            Status = hit.Status,
            Score = hit.Score,
            Confidence = hit.Confidence,
        };
        reply.Tags.AddRange(hit.Tags);
        return reply;
    }
}
