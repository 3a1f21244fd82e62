namespace Omni.Routing.Queues;

/// <summary>
/// Which queue a conversation waits in: among queues that take its channel and language, the one whose topics name the
/// bot's topic, then the one that names the channel, then the language; between equals the higher priority; the default queue when none fits.
/// </summary>
public static class QueueSelector
{
    public static Queue? Choose(IReadOnlyCollection<Queue> queues, string channel, string? topic, string? language)
    {
        var best = queues
            .Where(q => q.Channels.Count == 0 || q.Channels.Contains(channel))
            .Where(q => q.Languages.Count == 0 || language is null || q.Languages.Contains(language))
            .Select(q => (Queue: q, Score:
                (topic is not null && q.Topics.Contains(topic) ? 4 : 0) +
                (q.Channels.Contains(channel) ? 2 : 0) +
                (language is not null && q.Languages.Contains(language) ? 1 : 0)))
            .Where(x => x.Score > 0 || x.Queue.IsDefault)
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Queue.Priority).ThenByDescending(x => x.Queue.IsDefault).ThenBy(x => x.Queue.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Queue ?? queues.FirstOrDefault(q => q.IsDefault);
    }
}
