using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Omni.Knowledge.Data;
using Omni.Knowledge.Language;

namespace Omni.Knowledge.Search;

/// <summary>
/// Counts searches and questions no article answered well, off the request path: sightings queue in memory and are
/// written in batches (an upsert per normalised question). A sighting lost in a crash is a count off by one.
/// </summary>
public sealed partial class SearchGapRecorder(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SearchGapRecorder> logger) : BackgroundService
{
    private readonly Channel<Sighting> _sightings = System.Threading.Channels.Channel.CreateBounded<Sighting>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private sealed record Sighting(string Language, string Key, string Query, SearchKind Kind, double Confidence, DateTimeOffset At);

    /// <summary>Notes that <paramref name="query"/> found nothing good enough (best confidence <paramref name="confidence"/>).</summary>
    public void Record(string query, string language, SearchKind kind, double confidence)
    {
        var normalized = SearchQuery.Normalize(query);
        var key = GapKey(normalized);
        if (key.Length == 0) return;
        _sightings.Writer.TryWrite(new Sighting(language, key, normalized, kind, confidence, clock.GetUtcNow()));
    }

    /// <summary>The distinct words of a normalised query that carry meaning, sorted: one key for one question however it is worded.</summary>
    public static string GapKey(string normalized)
    {
        var words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w != "#" && w != "[e-mail]" && !LanguageDetector.IsFunctionWord(w))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var key = string.Join(' ', words);
        return key.Length > 300 ? key[..300] : key;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Sighting>();
        while (await _sightings.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < 500 && _sightings.Reader.TryRead(out var sighting)) batch.Add(sighting);
            try
            {
                await WriteAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(batch.Count, ex.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Writes what is queued now (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Sighting>();
        while (_sightings.Reader.TryRead(out var sighting)) batch.Add(sighting);
        if (batch.Count > 0) await WriteAsync(batch, cancellationToken);
    }

    private async Task WriteAsync(List<Sighting> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        // One row per (language, key), in key order so concurrent writers cannot deadlock.
        foreach (var group in batch.GroupBy(s => (s.Language, s.Key)).OrderBy(g => g.Key.Language, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal))
        {
            var latest = group.MaxBy(s => s.At)!;
            var searches = group.Count(s => s.Kind == SearchKind.Search);
            var questions = group.Count() - searches;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO search_gaps ("Language", "Key", "Query", "Count", "SearchCount", "QuestionCount", "BestConfidence", "FirstSeenAt", "LastSeenAt")
                VALUES ({group.Key.Language}, {group.Key.Key}, {latest.Query}, {group.Count()}, {searches}, {questions}, {group.Max(s => s.Confidence)},
                        {group.Min(s => s.At)}, {latest.At})
                ON CONFLICT ("Language", "Key") DO UPDATE SET
                    "Query" = EXCLUDED."Query",
                    "Count" = search_gaps."Count" + EXCLUDED."Count",
                    "SearchCount" = search_gaps."SearchCount" + EXCLUDED."SearchCount",
                    "QuestionCount" = search_gaps."QuestionCount" + EXCLUDED."QuestionCount",
                    "BestConfidence" = greatest(search_gaps."BestConfidence", EXCLUDED."BestConfidence"),
                    "LastSeenAt" = greatest(search_gaps."LastSeenAt", EXCLUDED."LastSeenAt")
                """, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not record {Count} search gap sighting(s): {Reason}")]
    private partial void LogWriteFailed(int count, string reason);
}
