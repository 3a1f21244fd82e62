using System.Collections.Concurrent;
using Npgsql;

namespace Omni.Knowledge.Search;

/// <summary>How many published articles each language has (for word rarity), counted at most every half minute.</summary>
public sealed class CorpusStatistics(TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset At)> _counts = new();

    public async Task<int> PublishedAsync(NpgsqlConnection connection, string language, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_counts.TryGetValue(language, out var cached) && now - cached.At < MaxAge) return cached.Count;
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM articles WHERE "Language" = @language AND "Status" = 'Published'""", connection);
        command.Parameters.AddWithValue("language", language);
        var count = (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
        _counts[language] = (count, now);
        return count;
    }
}
