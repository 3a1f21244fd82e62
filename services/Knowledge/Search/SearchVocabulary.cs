using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Search;

/// <summary>
/// Keeps <see cref="SearchTerm"/> in step with the published articles: every save applies the difference between
/// the words the article contributed before and after, in the save's own transaction.
/// </summary>
public static class SearchVocabulary
{
    // Words as written ('simple' lower-cases and keeps stop words), letters only, counted up or down; rows are
    // written in word order so two saves touching the same words cannot deadlock.
    private const string ApplySql = """
        WITH old AS (SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple', {0}))) w),
             new AS (SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple', {1}))) w),
             delta AS (SELECT coalesce(n.w, o.w) AS w, (n.w IS NOT NULL)::int - (o.w IS NOT NULL)::int AS d
                       FROM new n FULL JOIN old o ON n.w = o.w)
        INSERT INTO search_terms ("Language", "Word", "Lexemes", "Documents")
        SELECT {2}, w, array_to_string(tsvector_to_array(to_tsvector(knowledge_search_config({2}), w)), ' '), d
        FROM delta
        WHERE d <> 0 AND length(w) BETWEEN 2 AND 100 AND w ~ '^[[:alpha:]][[:alpha:]''-]*$'
        ORDER BY w
        ON CONFLICT ("Language", "Word") DO UPDATE SET "Documents" = greatest(search_terms."Documents" + EXCLUDED."Documents", 0)
        """;

    /// <summary>The text an article adds to the vocabulary: nothing unless it is published.</summary>
    public static string Contribution(Article article) =>
        article.Status == ArticleStatus.Published ? $"{article.Title} {string.Join(' ', article.Tags)} {article.PlainText}" : "";

    /// <summary>Counts the words of <paramref name="after"/> in and those of <paramref name="before"/> out, for one language.</summary>
    public static async Task ApplyAsync(KnowledgeDbContext db, string language, string before, string after, CancellationToken cancellationToken)
    {
        if (before == after) return;
        await db.Database.ExecuteSqlRawAsync(ApplySql, [before, after, language], cancellationToken);
    }

    /// <summary>Recounts the whole vocabulary of a language from its published articles (after a bulk load).</summary>
    public static async Task RebuildAsync(KnowledgeDbContext db, string language, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync("""
            DELETE FROM search_terms WHERE "Language" = {0};
            INSERT INTO search_terms ("Language", "Word", "Lexemes", "Documents")
            SELECT {0}, word, array_to_string(tsvector_to_array(to_tsvector(knowledge_search_config({0}), word)), ' '), ndoc
            FROM ts_stat(format($q$SELECT to_tsvector('simple', "Title" || ' ' || knowledge_tags_text("Tags") || ' ' || "PlainText")
                                   FROM articles WHERE "Language" = %L AND "Status" = 'Published'$q$, {0}::text))
            WHERE length(word) BETWEEN 2 AND 100 AND word ~ '^[[:alpha:]][[:alpha:]''-]*$';
            """, [language], cancellationToken);
    }
}
