namespace Omni.Routing.Queues;

/// <summary>
/// Business time of a queue: whether it is open at an instant, and SLA deadlines that count only open time. A timer
/// "pauses" outside business hours because its due time is found by walking open stretches, not wall-clock time.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly BusinessHours _hours;
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<DateOnly> _holidays;

    public BusinessCalendar(BusinessHours hours)
    {
        _hours = hours;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(hours.TimeZone);
        _holidays = [.. hours.Holidays];
    }

    /// <summary>True when <paramref name="zone"/> is a time zone this machine knows (IANA ids such as Europe/Amsterdam).</summary>
    public static bool IsKnownZone(string zone)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(zone);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    public bool AlwaysOpen => _hours.Days.Count == 0 && _holidays.Count == 0;

    public bool IsOpen(DateTimeOffset at) => AlwaysOpen || OpenStretches(at, at.AddTicks(1)).Any(s => s.Start <= at && at < s.End);

    /// <summary>The instant <paramref name="duration"/> of open time after <paramref name="start"/>; null when the queue never opens in the next year.</summary>
    public DateTimeOffset? AddBusinessTime(DateTimeOffset start, TimeSpan duration)
    {
        if (AlwaysOpen) return start + duration;
        var left = duration;
        foreach (var (open, close) in OpenStretches(start, start.AddDays(366)))
        {
            var from = open < start ? start : open;
            if (from >= close) continue;
            var available = close - from;
            if (available >= left) return from + left;
            left -= available;
        }
        return null;
    }

    /// <summary>Open time between two instants: how long an SLA clock ran.</summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return TimeSpan.Zero;
        if (AlwaysOpen) return to - from;
        var total = TimeSpan.Zero;
        foreach (var (open, close) in OpenStretches(from, to))
        {
            var start = open < from ? from : open;
            var end = close > to ? to : close;
            if (end > start) total += end - start;
        }
        return total;
    }

    /// <summary>Open stretches (as UTC instants) that overlap [from, to), in order, across days, time-zone changes and holidays.</summary>
    private IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> OpenStretches(DateTimeOffset from, DateTimeOffset to)
    {
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, _zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, _zone).DateTime);
        for (var day = localDay; day <= lastDay; day = day.AddDays(1))
        {
            if (_holidays.Contains(day)) continue;
            if (_hours.Days.Count == 0)
            {
                // No opening hours but holidays: open all day, every day but those.
                var (dayStart, dayEnd) = (ToUtc(day, TimeOnly.MinValue), ToUtc(day.AddDays(1), TimeOnly.MinValue));
                if (dayEnd > from && dayStart < to) yield return (dayStart, dayEnd);
                continue;
            }
            foreach (var hours in _hours.Days.Where(d => d.Day == day.DayOfWeek).OrderBy(d => d.Open))
            {
                var start = ToUtc(day, hours.Open);
                var end = ToUtc(day, hours.Close);
                if (end > from && start < to) yield return (start, end);
            }
        }
    }

    private DateTimeOffset ToUtc(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        // A time skipped by a clock change does not exist locally: take the moment the clock jumps to.
        while (_zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, _zone), TimeSpan.Zero);
    }
}
