namespace Omni.Routing.Queues;

/// <summary>
/// Where conversations wait for a person: the skills an agent needs to take them, how urgent they are, when the
/// queue is staffed (business hours in its own time zone, holidays) and what it promises (SLA targets).
/// </summary>
public sealed class Queue
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>Skills (name → minimum level 1–10) an agent needs to take its conversations; relaxed as they wait.</summary>
    public Dictionary<string, int> RequiredSkills { get; set; } = [];

    /// <summary>Higher first: a conversation in a priority-10 queue is offered before one in a priority-0 queue.</summary>
    public int Priority { get; set; }

    /// <summary>Channel kinds it takes (empty: all).</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>Article tags (topics) whose handoffs land here, e.g. "returns".</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>Customer languages it serves (empty: all).</summary>
    public List<string> Languages { get; set; } = [];

    /// <summary>Takes whatever no other queue matches. Exactly one queue is the default.</summary>
    public bool IsDefault { get; set; }

    public BusinessHours Hours { get; set; } = new();

    public int FirstResponseTargetSeconds { get; set; } = 300;

    public int ResolutionTargetSeconds { get; set; } = 86_400;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Opening hours per day of the week in an IANA time zone, and holidays (whole local days closed). No days: open around the clock except on the holidays.</summary>
public sealed class BusinessHours
{
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    public List<OpeningHours> Days { get; set; } = [];

    public List<DateOnly> Holidays { get; set; } = [];
}

/// <summary>One stretch of opening on a weekday, local time; <see cref="Close"/> after <see cref="Open"/>.</summary>
public sealed record OpeningHours(DayOfWeek Day, TimeOnly Open, TimeOnly Close);
