using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Language;

namespace Omni.Knowledge.Search;

/// <summary>A search box query, or a customer's question (a message, a bot turn): counted apart in the gap report.</summary>
public enum SearchKind
{
    Search,
    Question,
}

/// <param name="Confidence">0..1: how sure Omni is that this article answers the query (see <see cref="ArticleSearch"/>).</param>
public sealed record SearchHit(
    Guid ArticleId, string Language, string Slug, string Title, string SnippetHtml, IReadOnlyList<string> Tags, string Status, double Score, double Confidence);

/// <summary>A query word Omni did not find and read as <paramref name="CorrectedTo"/>.</summary>
public sealed record Correction(string Word, string CorrectedTo, string Language);

/// <param name="Confidence">The confidence of the best hit (0 when nothing was found): what a bot thresholds.</param>
/// <param name="Strategy">all-words, most-words, any-word, similar-titles or none: how far the search had to relax.</param>
public sealed record SearchResult(
    IReadOnlyList<SearchHit> Items, int Page, int PageSize, int Total, double Confidence, IReadOnlyList<Correction> Corrections, string Strategy)
{
    public SearchHit? Best => Items.Count > 0 ? Items[0] : null;
}

/// <summary>
/// Full-text search over the articles, forgiving of typos, with a confidence a bot can threshold.
/// <list type="number">
/// <item>Each query word is looked up in the language's vocabulary (<see cref="SearchTerm"/>); a word no published
/// article holds is corrected to the nearest word that is there (trigram candidates, then edit distance and
/// frequency), so "bestelingen" finds "bestellingen" and "retrun" finds "return".</item>
/// <item>Articles must hold all words; when that finds fewer than three, all but one; then any. Stemming and stop
/// words come from PostgreSQL's configuration of the language (dutch, english).</item>
/// <item>Ranking: the share of the query's words an article holds, each weighed by its rarity (IDF), above the share
/// found in its title or tags, above ts_rank_cd (title A &gt; tags B &gt; body C), above the trigram likeness of the
/// title and the query (either found in the other: a question that repeats a title is likely answered by it). When
/// words find little, titles that look like the query (pg_trgm word similarity) are added below.</item>
/// <item>Confidence (0..1) is that score, lowered for corrected words (a guess), for words nothing holds, and when
/// the runner-up is about as good: from <see cref="AnswerThreshold"/> on it is usually the right article.</item>
/// </list>
/// </summary>
public sealed class ArticleSearch(KnowledgeDbContext db, CorpusStatistics statistics, SearchGapRecorder gaps)
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 50;
    public const int MaxPage = 50;

    /// <summary>
    /// From this confidence on, the best article is usually the answer (measured on the labelled query set, see the
    /// README's Performance section): a sensible default for a bot's threshold.
    /// </summary>
    public const double AnswerThreshold = 0.4;

    /// <summary>Below this, a search or question counts as one no article answered well (the gap report).</summary>
    public const double GapThreshold = 0.35;

    private const int EnoughHits = 3;

    /// <summary>
    /// Articles scored per search and language at most, of those matching in title or tags and as many of those matching
    /// anywhere; the total counts the articles scored, so it is exact below this.
    /// </summary>
    public const int CandidateCap = 100;
    private const double MissedWeight = 0.33;
    private const double CorrectedWeight = 0.8;
    private const string StartMark = "\u0002";
    private const string StopMark = "\u0003";

    // score = coverage of the query's weight, coverage within titles and tags, ts_rank_cd (normalised to 0..1), title likeness;
    // the same sum in SQL (to order) and here (to report).
    private const double CoverageShare = 0.50, TitleShare = 0.25, RankShare = 0.15, LikenessShare = 0.10;
    // ts_rank_cd's weights of D, C, B, A: body (C) 0.2, tags (B) 0.4, title (A) 1.0.
    private const string RankWeights = "{0.1, 0.2, 0.4, 1.0}";
    private const string ScoreSql = "0.50 * covered / @total + 0.25 * in_title / @total + 0.15 * rank + 0.10 * likeness";

    /// <summary>
    /// Searches articles. <paramref name="language"/> null searches every language; customers find published articles
    /// only. The query must pass <see cref="SearchQuery.Problem"/>. A first page whose best hit stays below
    /// <see cref="GapThreshold"/> is counted in the gap report as <paramref name="kind"/>, unless <paramref name="countGap"/> is false.
    /// </summary>
    public async Task<SearchResult> SearchAsync(
        string query, string? language, Audience audience, IReadOnlyList<string>? tags = null, int page = 1, int pageSize = DefaultPageSize,
        SearchKind kind = SearchKind.Search, bool countGap = true, CancellationToken cancellationToken = default)
    {
        page = Math.Clamp(page, 1, MaxPage);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var words = SearchQuery.Words(query);
        var languages = language is null ? Languages.Supported : [language];
        var filter = new Filter(audience != Audience.Customer, tags?.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToArray() ?? []);
        var raw = string.Join(' ', words);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // With LIMIT, the planner likes to scan the table hoping to meet matches early; for a word that many articles
            // hold in their text but few in their title that reads the whole table. The GIN indexes always answer faster.
            await using (var planning = new NpgsqlCommand("SET enable_seqscan = off", connection)) await planning.ExecuteNonQueryAsync(cancellationToken);
            var perLanguage = new List<LanguageResult>();
            foreach (var code in languages)
            {
                perLanguage.Add(await SearchLanguageAsync(connection, code, words, raw, filter, page * pageSize, cancellationToken));
            }

            var ranked = perLanguage.SelectMany(r => r.Rows).OrderByDescending(r => r.Score).ThenBy(r => r.Id).ToList();
            var pageRows = ranked.Skip((page - 1) * pageSize).Take(pageSize).ToList();
            var snippets = await SnippetsAsync(connection, pageRows, perLanguage, cancellationToken);
            // An article deleted between the two queries is left out.
            var items = pageRows.Where(r => snippets.ContainsKey(r.Id)).Select(r => ToHit(r, snippets[r.Id], ranked)).ToList();
            var best = ranked.Count == 0 ? 0 : Confidence(ranked[0], ranked);
            var strategy = perLanguage.OrderByDescending(r => r.Rows.Count > 0).ThenBy(r => Array.IndexOf(Strategies, r.Strategy)).FirstOrDefault()?.Strategy ?? "none";
            var result = new SearchResult(items, page, pageSize, perLanguage.Sum(r => r.Total), best,
                perLanguage.SelectMany(r => r.Corrections).ToList(), ranked.Count == 0 ? "none" : strategy);

            if (countGap && page == 1 && best < GapThreshold)
            {
                gaps.Record(query, language ?? LanguageDetector.Detect(query) ?? "any", kind, best);
            }
            return result;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await using var reset = new NpgsqlCommand("RESET enable_seqscan", connection);
                    await reset.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (PostgresException)
                {
                    // The surrounding transaction failed; its rollback undoes the setting.
                }
            }
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The published article that best answers a customer's <paramref name="question"/> (any length; the first
    /// <see cref="SearchQuery.MaxWords"/> words count), with its confidence; null when no article comes close.
    /// A bot answers with it when the confidence clears its threshold.
    /// </summary>
    public async Task<SearchHit?> BestAnswerAsync(string question, string? language, bool countGap = true, CancellationToken cancellationToken = default)
    {
        if (SearchQuery.Words(question).Count == 0) return null;
        var result = await SearchAsync(question, language ?? LanguageDetector.Detect(question), Audience.Customer, null, 1, 3, SearchKind.Question, countGap, cancellationToken);
        return result.Best;
    }

    private static readonly string[] Strategies = ["all-words", "most-words", "any-word", "similar-titles", "none"];

    private sealed record Filter(bool IncludeDrafts, string[] Tags);

    private sealed record Term(string Word, string[] Lexemes, double Weight, bool Corrected);

    private sealed record Row(Guid Id, string Language, double Score, double Coverage, double Rank, bool Similar, double Penalty = 1);

    private sealed record LanguageResult(string Language, List<Row> Rows, int Total, string Strategy, List<Correction> Corrections, string? AnyQuery, double Penalty);

    private async Task<LanguageResult> SearchLanguageAsync(
        NpgsqlConnection connection, string language, IReadOnlyList<string> words, string raw, Filter filter, int limit, CancellationToken cancellationToken)
    {
        var documents = await statistics.PublishedAsync(connection, language, cancellationToken);
        var (terms, missed, corrections) = await AnalyseAsync(connection, language, words, documents, cancellationToken);
        // A word no article holds (and none close to it) still asked for something: it counts against coverage, at a
        // third of the weight of the rarest word, as it may be a word of the subject or of the customer's phrasing.
        var totalWeight = terms.Sum(t => t.Weight) + missed * MissedWeight * Math.Log(1 + documents);
        // Nothing the language knows, or a word repeated by a corrected twin: nothing to look for with words.
        terms = terms.GroupBy(t => string.Join(' ', t.Lexemes)).Select(g => g.First()).ToList();

        var rows = new List<Row>();
        var total = 0;
        var strategy = "none";
        string? anyQuery = null;
        if (terms.Count > 0)
        {
            var termQueries = terms.Select(t => Group(t.Lexemes, "")).ToArray();
            anyQuery = string.Join(" | ", termQueries);
            foreach (var (name, filterQuery) in Tiers(termQueries))
            {
                (rows, total) = await RankAsync(connection, language, filterQuery, anyQuery, terms, totalWeight, raw, filter, limit, cancellationToken);
                strategy = name;
                if (total >= EnoughHits) break;
            }
        }

        if (total < EnoughHits && words.Count <= 6)
        {
            var similar = await SimilarTitlesAsync(connection, language, raw, filter, rows.Select(r => r.Id).ToArray(), cancellationToken);
            if (similar.Count > 0 && rows.Count == 0) strategy = "similar-titles";
            rows.AddRange(similar);
            total += similar.Count;
        }

        // Corrected words are guesses, and words no article holds were asked for too: both make Omni less sure.
        var penalty = corrections.Count == 0 ? 1.0 : Math.Pow(0.92, corrections.Count);
        return new LanguageResult(language, rows.Select(r => r with { Penalty = penalty }).ToList(), total, strategy, corrections, anyQuery, penalty);
    }

    private static IEnumerable<(string Name, string Query)> Tiers(string[] terms)
    {
        yield return ("all-words", string.Join(" & ", terms));
        if (terms.Length == 1) yield break;
        if (terms.Length is >= 3 and <= 5)
        {
            var allButOne = Enumerable.Range(0, terms.Length).Select(skip => "(" + string.Join(" & ", terms.Where((_, i) => i != skip)) + ")");
            yield return ("most-words", string.Join(" | ", allButOne));
        }
        yield return ("any-word", string.Join(" | ", terms));
    }

    private async Task<(List<Term> Terms, int Missed, List<Correction> Corrections)> AnalyseAsync(
        NpgsqlConnection connection, string language, IReadOnlyList<string> words, int documents, CancellationToken cancellationToken)
    {
        var configuration = Languages.SearchConfiguration(language);
        // Greetings and grammar words (hoi, graag, thanks…) say nothing about the subject; PostgreSQL's stop words
        // leave some of them in.
        var candidates = words.Where(w => (!w.Any(char.IsDigit) || words.All(x => x.Any(char.IsDigit))) && !LanguageDetector.IsFunctionWord(w)).ToArray();
        if (candidates.Length == 0) candidates = words.Where(w => !w.Any(char.IsDigit)).ToArray();
        var known = new List<(string Word, string[] Lexemes, int? Documents)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT w, lex, (SELECT max("Documents") FROM search_terms s WHERE s."Language" = @language AND s."Lexemes" = lex AND s."Documents" > 0)
            FROM (SELECT w, array_to_string(tsvector_to_array(to_tsvector('{configuration}', w)), ' ') AS lex FROM unnest(@words::text[]) AS w) AS q
            """, connection))
        {
            command.Parameters.AddWithValue("language", language);
            command.Parameters.AddWithValue("words", candidates);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var lexemes = reader.GetString(1);
                if (lexemes.Length == 0) continue; // a stop word
                known.Add((reader.GetString(0), lexemes.Split(' '), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetInt32(2)));
            }
        }

        var unknown = known.Where(k => k.Documents is null && EditDistance.Allowed(k.Word.Length) > 0 && !k.Word.Any(char.IsDigit)).Select(k => k.Word).ToArray();
        var nearest = new Dictionary<string, (string Word, string Lexemes, int Documents)>();
        if (unknown.Length > 0)
        {
            // The partial trigram index of the language is only used when its predicate is in the query literally.
            await using var command = new NpgsqlCommand($"""
                SELECT t.w, c."Word", c."Lexemes", c."Documents"
                FROM unnest(@unknown::text[]) AS t(w)
                CROSS JOIN LATERAL (SELECT "Word", "Lexemes", "Documents" FROM search_terms
                                    WHERE "Language" = '{language}' AND "Documents" > 0 AND "Lexemes" <> ''
                                    ORDER BY "Word" <-> t.w LIMIT 8) AS c
                """, connection);
            command.Parameters.AddWithValue("unknown", unknown);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var best = new Dictionary<string, (string Word, string Lexemes, int Documents, int Distance)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var (word, candidate, lexemes, count) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                var allowed = EditDistance.Allowed(word.Length);
                var distance = EditDistance.Between(word, candidate, allowed);
                if (distance > allowed) continue;
                if (!best.TryGetValue(word, out var current) || distance < current.Distance || distance == current.Distance && count > current.Documents)
                {
                    best[word] = (candidate, lexemes, count, distance);
                }
            }
            foreach (var (word, b) in best) nearest[word] = (b.Word, b.Lexemes, b.Documents);
        }

        var terms = new List<Term>();
        var corrections = new List<Correction>();
        var missed = 0;
        foreach (var (word, lexemes, count) in known)
        {
            if (count is { } df)
            {
                terms.Add(new Term(word, lexemes, Idf(documents, df), Corrected: false));
            }
            else if (nearest.TryGetValue(word, out var fix))
            {
                terms.Add(new Term(fix.Word, fix.Lexemes.Split(' '), Idf(documents, fix.Documents), Corrected: true));
                corrections.Add(new Correction(word, fix.Word, language));
            }
            else if (word.Any(char.IsDigit))
            {
                terms.Add(new Term(word, lexemes, Idf(documents, 1), Corrected: false));
            }
            else
            {
                missed++;
            }
        }
        return (terms, missed, corrections);
    }

    private static double Idf(int documents, int df) => Math.Log(1 + Math.Max(documents, 1) / (double)Math.Max(df, 1));

    private static async Task<(List<Row> Rows, int Total)> RankAsync(
        NpgsqlConnection connection, string language, string filterQuery, string anyQuery, List<Term> terms, double totalWeight,
        string raw, Filter filter, int limit, CancellationToken cancellationToken)
    {
        // Scoring every match of a common word in a large help centre costs seconds, so at most CandidateCap articles
        // holding the words in their title or tags (HeadingVector), and as many holding them anywhere, are scored. Below
        // that many matches (a help centre written by people) every match is scored, and the total is exact.
        // The language is one of Languages.Supported, written out so the planner picks that language's partial indexes.
        var restrictions = $"""
            a."Language" = '{language}'
            {(filter.IncludeDrafts ? "" : "AND a.\"Status\" = 'Published'")}
            {(filter.Tags.Length > 0 ? "AND a.\"Tags\" @> @tags" : "")}
            """;
        var sql = $"""
            WITH candidates AS (
                SELECT DISTINCT ON ("Id") * FROM (
                    (SELECT a."Id", a."UpdatedAt", a."Title", a."SearchVector" FROM articles a
                     WHERE {restrictions} AND a."HeadingVector" @@ @filter::tsquery LIMIT {CandidateCap})
                    UNION ALL
                    (SELECT a."Id", a."UpdatedAt", a."Title", a."SearchVector" FROM articles a
                     WHERE {restrictions} AND a."SearchVector" @@ @filter::tsquery LIMIT {CandidateCap})
                ) AS found
                ORDER BY "Id"
            )
            SELECT "Id", covered, in_title, rank, likeness, count(*) OVER () AS total
            FROM (
                SELECT c."Id", c."UpdatedAt",
                       (SELECT coalesce(sum(u.w), 0) FROM unnest(@terms::text[]::tsquery[], @weights) AS u(q, w) WHERE c."SearchVector" @@ u.q) AS covered,
                       (SELECT coalesce(sum(u.w), 0) FROM unnest(@titles::text[]::tsquery[], @weights) AS u(q, w) WHERE c."SearchVector" @@ u.q) AS in_title,
                       ts_rank_cd('{RankWeights}', c."SearchVector", @any::tsquery, 32) AS rank,
                       greatest(word_similarity(@raw, c."Title"), word_similarity(c."Title", @raw)) AS likeness
                FROM candidates c
            ) AS m
            ORDER BY {ScoreSql} DESC,
                     "UpdatedAt" DESC, "Id"
            LIMIT @limit
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("terms", terms.Select(t => Group(t.Lexemes, "")).ToArray());
        command.Parameters.AddWithValue("titles", terms.Select(t => Group(t.Lexemes, ":AB")).ToArray());
        command.Parameters.AddWithValue("weights", terms.Select(t => t.Corrected ? t.Weight * CorrectedWeight : t.Weight).ToArray());
        command.Parameters.AddWithValue("any", anyQuery);
        command.Parameters.AddWithValue("filter", filterQuery);
        command.Parameters.AddWithValue("raw", raw);
        command.Parameters.AddWithValue("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Tags);
        command.Parameters.AddWithValue("total", Math.Max(totalWeight, 1e-9));
        command.Parameters.AddWithValue("limit", limit);

        var rows = new List<Row>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var coverage = Math.Min(1, reader.GetDouble(1) / Math.Max(totalWeight, 1e-9));
            var inTitle = Math.Min(1, reader.GetDouble(2) / Math.Max(totalWeight, 1e-9));
            var rank = reader.GetFloat(3);
            var likeness = reader.GetFloat(4);
            total = (int)reader.GetInt64(5);
            var score = CoverageShare * coverage + TitleShare * inTitle + RankShare * rank + LikenessShare * likeness;
            rows.Add(new Row(reader.GetGuid(0), language, score, coverage, rank, Similar: false));
        }
        return (rows, total);
    }

    private static async Task<List<Row>> SimilarTitlesAsync(
        NpgsqlConnection connection, string language, string raw, Filter filter, Guid[] seen, CancellationToken cancellationToken)
    {
        if (raw.Length < 4) return [];
        await using var command = new NpgsqlCommand($"""
            SELECT a."Id", word_similarity(@raw, a."Title") AS likeness
            FROM articles a
            WHERE a."Language" = @language AND @raw <% a."Title" AND NOT (a."Id" = ANY(@seen))
              {(filter.IncludeDrafts ? "" : "AND a.\"Status\" = 'Published'")}
              {(filter.Tags.Length > 0 ? "AND a.\"Tags\" @> @tags" : "")}
            ORDER BY likeness DESC, a."Id"
            LIMIT 10
            """, connection);
        command.Parameters.AddWithValue("raw", raw);
        command.Parameters.AddWithValue("language", language);
        command.Parameters.AddWithValue("seen", seen);
        command.Parameters.AddWithValue("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Tags);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var likeness = reader.GetFloat(1);
            // Below any article that holds the words: a title that only looks like the query is a weaker sign.
            rows.Add(new Row(reader.GetGuid(0), language, 0.45 * likeness, likeness * 0.5, 0, Similar: true));
        }
        return rows;
    }

    private sealed record Snippet(string Slug, string Title, string[] Tags, string Status, string Html);

    private static async Task<Dictionary<Guid, Snippet>> SnippetsAsync(
        NpgsqlConnection connection, List<Row> rows, List<LanguageResult> languages, CancellationToken cancellationToken)
    {
        var snippets = new Dictionary<Guid, Snippet>();
        foreach (var group in rows.GroupBy(r => r.Language))
        {
            var result = languages.First(l => l.Language == group.Key);
            // Quote the text around the words found; StartSel/StopSel are control characters no article holds, turned
            // into <mark> after the text has been HTML-encoded: the snippet carries no other markup.
            await using var command = new NpgsqlCommand($"""
                SELECT a."Id", a."Slug", a."Title", a."Tags", a."Status",
                       CASE WHEN @any::text IS NULL THEN left(a."PlainText", 240)
                            ELSE ts_headline(knowledge_search_config(a."Language"), a."PlainText", @any::text::tsquery,
                                 'StartSel="{StartMark}", StopSel="{StopMark}", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') END
                FROM articles a WHERE a."Id" = ANY(@ids)
                """, connection);
            command.Parameters.AddWithValue("any", NpgsqlDbType.Text, (object?)result.AnyQuery ?? DBNull.Value);
            command.Parameters.AddWithValue("ids", group.Select(r => r.Id).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var text = WebUtility.HtmlEncode(reader.GetString(5)).Replace(StartMark, "<mark>", StringComparison.Ordinal).Replace(StopMark, "</mark>", StringComparison.Ordinal);
                snippets[reader.GetGuid(0)] = new Snippet(reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                    reader.GetString(4) == nameof(ArticleStatus.Published) ? "published" : "draft", text);
            }
        }
        return snippets;
    }

    private static SearchHit ToHit(Row row, Snippet snippet, List<Row> ranked) =>
        new(row.Id, row.Language, snippet.Slug, snippet.Title, snippet.Html, snippet.Tags, snippet.Status, Math.Round(row.Score, 4), Confidence(row, ranked));

    private static double Confidence(Row row, List<Row> ranked)
    {
        var confidence = row.Score * row.Penalty;
        if (ranked.Count > 1 && ranked[0].Id == row.Id)
        {
            // A runner-up about as good makes the choice less certain.
            var margin = row.Score - ranked[1].Score;
            confidence *= 0.85 + 0.15 * Math.Clamp(margin / 0.15, 0, 1);
        }
        return Math.Round(Math.Clamp(confidence, 0, 1), 4);
    }

    /// <summary>A word's lexemes as tsquery text, quoted; <paramref name="weight"/> ":AB" keeps to titles and tags.</summary>
    private static string Group(string[] lexemes, string weight)
    {
        var parts = lexemes.Select(l => "'" + l.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'" + weight);
        return lexemes.Length == 1 ? parts.First() : "(" + string.Join(" & ", parts) + ")";
    }
}
