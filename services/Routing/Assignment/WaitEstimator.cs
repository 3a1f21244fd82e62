using System.Collections.Concurrent;

namespace Omni.Routing.Assignment;

/// <summary>A conversation's place in its queue (1-based, by priority then wait) and how long it should still wait; null when nobody serves the queue now.</summary>
public sealed record WaitEstimate(Guid ConversationId, int Position, TimeSpan? ExpectedWait);

/// <summary>The tunables of <see cref="WaitEstimator"/>.</summary>
public sealed class WaitEstimatorOptions
{
    /// <summary>The handle time assumed before any has been observed (a cold start).</summary>
    public TimeSpan DefaultHandleTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back observed handle times count.</summary>
    public TimeSpan HandleTimeWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How far back observed assignments count towards the rate a queue drains at.</summary>
    public TimeSpan ThroughputWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How many observations the prior (the default, or the broader figure) is worth when blended with few real ones.</summary>
    public int PriorWeight { get; init; } = 3;

    /// <summary>A conversation assigned within this time of queuing is taken not to have waited in a line.</summary>
    public TimeSpan QueuedThreshold { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Estimates each waiting conversation's position and remaining wait from the agents who can serve its queue, their
/// free capacity, and recently observed handle times and assignments (the method is in the remarks and the README).
/// </summary>
/// <remarks>
/// The queue-length method (expected wait of the k-th in line = k ÷ the rate the line drains), which is exact for
/// the M/M/c queue Erlang C describes and the most accurate of the usual real-time methods when its rate is right:
/// <list type="number">
/// <item>Position p: 1-based in the order the engine serves (priority, then the longest wait).</item>
/// <item>Free slots F: over the online agents who have the queue's skills, Σ ⌊free units ÷ the conversation's weight⌋.
/// When p ≤ F the conversation is about to be assigned: 0.</item>
/// <item>Capacity rate R_cap: Σ ⌊capacity ÷ weight⌋ over those agents ÷ the handle time h (averaged over the kinds
/// waiting by time per conversation). h is the mean observed for (queue, kind) in the handle-time window, shrunk towards
/// the mean of that kind over all queues, itself shrunk towards the configured default; each prior counts as
/// <see cref="WaitEstimatorOptions.PriorWeight"/> observations, so a cold start uses the default and data takes over.</item>
/// <item>Observed drain rate: the assignments of conversations that had to wait, divided by the time the queue had a line
/// (the union of their [queued, assigned] intervals) in the throughput window. It counts what R_cap cannot see:
/// agents shared with other queues, priorities, the skill levels asked for.</item>
/// <item>R = (n + m) ÷ (B + m ÷ R_cap): the observed rate with R_cap as a prior worth m assignments
/// (<see cref="WaitEstimatorOptions.PriorWeight"/>), so a cold start uses R_cap and a busy queue its own history. Not
/// capped at R_cap: once the bullseye relaxes, agents below the levels asked for drain the queue too.</item>
/// <item>Expected wait = (p − F) ÷ R. No online agent with the skills (or none whose capacity fits the kind): null.</item>
/// </list>
/// Not modelled: conversations of higher priority arriving later and overtaking; agents going offline mid-wait.
/// Thread-safe.
/// </remarks>
public sealed class WaitEstimator(RoutingPolicy policy, WaitEstimatorOptions? options = null)
{
    private readonly WaitEstimatorOptions _options = options ?? new WaitEstimatorOptions();
    private readonly ConcurrentDictionary<Guid, QueueHistory> _queues = new();
    private readonly ConcurrentDictionary<string, Samples> _handleByKind = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records that a conversation of <paramref name="channelKind"/> in <paramref name="queueId"/> took <paramref name="handleTime"/>, ending at <paramref name="at"/>.</summary>
    public void RecordHandled(Guid queueId, string channelKind, TimeSpan handleTime, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(channelKind);
        if (handleTime <= TimeSpan.Zero) return;
        var window = _options.HandleTimeWindow;
        _handleByKind.GetOrAdd(channelKind, static _ => new Samples()).Add(at, handleTime.TotalSeconds, window);
        History(queueId).HandleTimes.GetOrAdd(channelKind, static _ => new Samples()).Add(at, handleTime.TotalSeconds, window);
    }

    /// <summary>Records that a conversation of <paramref name="queueId"/> was assigned at <paramref name="at"/> after waiting <paramref name="waited"/>.</summary>
    public void RecordAssigned(Guid queueId, TimeSpan waited, DateTimeOffset at)
    {
        if (waited < _options.QueuedThreshold) return;
        History(queueId).AddLine(at - waited, at, _options.ThroughputWindow);
    }

    /// <summary>The handle time assumed for a conversation of <paramref name="channelKind"/> in <paramref name="queueId"/>.</summary>
    public TimeSpan HandleTime(Guid queueId, string channelKind, DateTimeOffset now)
    {
        var prior = _options.DefaultHandleTime.TotalSeconds;
        var m = _options.PriorWeight;
        if (_handleByKind.TryGetValue(channelKind, out var byKind))
        {
            var (sum, count) = byKind.Read(now, _options.HandleTimeWindow);
            prior = (sum + m * prior) / (count + m);
        }
        if (_queues.TryGetValue(queueId, out var queue) && queue.HandleTimes.TryGetValue(channelKind, out var byQueue))
        {
            var (sum, count) = byQueue.Read(now, _options.HandleTimeWindow);
            prior = (sum + m * prior) / (count + m);
        }
        return TimeSpan.FromSeconds(prior);
    }

    /// <summary>Positions and expected waits of <paramref name="waiting"/> (the queue's unassigned conversations), served by the agents in <paramref name="pool"/> who have the skills the head of the queue asks for.</summary>
    /// <remarks>The skills as asked, before relaxing: later in the wait more agents may qualify, so this errs long.</remarks>
    public IReadOnlyList<WaitEstimate> Estimate(Guid queueId, IEnumerable<WaitingConversation> waiting, AgentPool pool, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var ordered = Order(waiting);
        return ordered.Length == 0 ? [] : Estimate(queueId, ordered, pool.Match(ordered[0].Required), now);
    }

    /// <summary>Positions and expected waits of <paramref name="waiting"/> (the queue's unassigned conversations), served by <paramref name="serving"/> (the agents with the queue's skills, whatever their presence).</summary>
    public IReadOnlyList<WaitEstimate> Estimate(Guid queueId, IEnumerable<WaitingConversation> waiting, IEnumerable<AgentState> serving, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(serving);
        var ordered = Order(waiting);
        if (ordered.Length == 0) return [];

        var online = serving.Where(a => a.Presence == Presence.Online).ToArray();
        var kinds = new Dictionary<string, Kind>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in ordered)
        {
            if (kinds.TryGetValue(c.ChannelKind, out var known))
            {
                known.Waiting++;
                continue;
            }
            var weight = policy.WeightOf(c.ChannelKind);
            int slots = 0, free = 0;
            foreach (var agent in online)
            {
                slots += agent.Capacity / weight;
                free += agent.FreeUnits / weight;
            }
            var seconds = HandleTime(queueId, c.ChannelKind, now).TotalSeconds;
            kinds[c.ChannelKind] = new Kind { Free = free, Rate = slots / seconds, Waiting = 1 };
        }

        // Seconds per conversation averaged over the kinds waiting (a harmonic mean of the rates), for kinds someone can take.
        double perConversation = 0;
        var servable = 0;
        foreach (var kind in kinds.Values)
        {
            if (kind.Rate <= 0) continue;
            perConversation += kind.Waiting / kind.Rate;
            servable += kind.Waiting;
        }

        var estimates = new WaitEstimate[ordered.Length];
        double? rate = null;
        if (servable > 0)
        {
            var capacityRate = servable / perConversation;
            var (assigned, lineSeconds) = _queues.TryGetValue(queueId, out var history)
                ? history.Drained(now, _options.ThroughputWindow)
                : (0, 0d);
            var m = _options.PriorWeight;
            rate = (assigned + m) / (lineSeconds + m / capacityRate);
        }

        for (var i = 0; i < ordered.Length; i++)
        {
            var c = ordered[i];
            var position = i + 1;
            var kind = kinds[c.ChannelKind];
            TimeSpan? wait = rate is not { } r || kind.Rate <= 0
                ? null
                : position <= kind.Free ? TimeSpan.Zero : TimeSpan.FromSeconds((position - kind.Free) / r);
            estimates[i] = new WaitEstimate(c.Id, position, wait);
        }
        return estimates;
    }

    private static WaitingConversation[] Order(IEnumerable<WaitingConversation> waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        var ordered = waiting.Where(c => !c.IsClaimed).ToArray();
        Array.Sort(ordered, AssignmentEngine.QueueOrder);
        return ordered;
    }

    private QueueHistory History(Guid queueId) => _queues.GetOrAdd(queueId, static _ => new QueueHistory());

    private sealed class Kind
    {
        public int Free;
        public double Rate;
        public int Waiting;
    }

    /// <summary>Observations in a sliding time window, with their running sum.</summary>
    private sealed class Samples
    {
        private readonly Lock _gate = new();
        private readonly Queue<(long At, double Value)> _values = new();
        private double _sum;

        public void Add(DateTimeOffset at, double value, TimeSpan window)
        {
            lock (_gate)
            {
                _values.Enqueue((at.UtcTicks, value));
                _sum += value;
                Prune(at.UtcTicks - window.Ticks);
            }
        }

        public (double Sum, int Count) Read(DateTimeOffset now, TimeSpan window)
        {
            lock (_gate)
            {
                Prune(now.UtcTicks - window.Ticks);
                return (_values.Count == 0 ? 0 : _sum, _values.Count);
            }
        }

        private void Prune(long before)
        {
            while (_values.TryPeek(out var oldest) && oldest.At < before)
            {
                _values.Dequeue();
                _sum -= oldest.Value;
            }
            if (_values.Count == 0) _sum = 0; // no drift from rounding once empty
        }
    }

    /// <summary>What one queue did lately: handle times by kind, and the lines it had ([queued, assigned] of those who waited).</summary>
    private sealed class QueueHistory
    {
        private readonly Lock _gate = new();
        private readonly List<(long Start, long End)> _lines = [];

        public ConcurrentDictionary<string, Samples> HandleTimes { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void AddLine(DateTimeOffset queued, DateTimeOffset assigned, TimeSpan window)
        {
            lock (_gate)
            {
                _lines.Add((queued.UtcTicks, assigned.UtcTicks));
                var before = assigned.UtcTicks - window.Ticks;
                if (_lines.Count > 64 && _lines[0].End < before) _lines.RemoveAll(l => l.End < before);
            }
        }

        /// <summary>Assignments out of a line in the window, and how long (seconds) the queue had a line in it.</summary>
        public (int Assigned, double LineSeconds) Drained(DateTimeOffset now, TimeSpan window)
        {
            var from = now.UtcTicks - window.Ticks;
            var to = now.UtcTicks;
            (long Start, long End)[] lines;
            lock (_gate) lines = [.. _lines.Where(l => l.End >= from && l.Start <= to)];
            if (lines.Length == 0) return (0, 0);
            Array.Sort(lines, static (a, b) => a.Start.CompareTo(b.Start));

            long covered = 0, start = Math.Max(lines[0].Start, from), end = Math.Min(lines[0].End, to);
            var assigned = 0;
            foreach (var line in lines)
            {
                if (line.End <= to) assigned++;
                var s = Math.Max(line.Start, from);
                var e = Math.Min(line.End, to);
                if (s > end)
                {
                    covered += end - start;
                    (start, end) = (s, e);
                }
                else if (e > end)
                {
                    end = e;
                }
            }
            covered += end - start;
            return (assigned, TimeSpan.FromTicks(covered).TotalSeconds);
        }
    }
}
