using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Omni.Authentication;
using Omni.Routing.Assignment;
using Omni.Routing.Conversations;
using Omni.Routing.Data;

namespace Omni.Routing.Queues;

public sealed record QueueRequest(
    string? Name,
    string? Description,
    Dictionary<string, int>? RequiredSkills,
    int? Priority,
    List<string>? Channels,
    List<string>? Topics,
    List<string>? Languages,
    bool? IsDefault,
    BusinessHoursDto? Hours,
    int? FirstResponseTargetSeconds,
    int? ResolutionTargetSeconds);

public sealed record BusinessHoursDto(string? TimeZone, List<OpeningHoursDto>? Days, List<DateOnly>? Holidays);

/// <summary>One opening stretch: day as "monday".."sunday", times as "09:00".</summary>
public sealed record OpeningHoursDto(string? Day, string? Open, string? Close);

public sealed record QueueDto(
    Guid Id, string Name, string? Description, IReadOnlyDictionary<string, int> RequiredSkills, int Priority,
    IReadOnlyList<string> Channels, IReadOnlyList<string> Topics, IReadOnlyList<string> Languages, bool IsDefault,
    BusinessHoursDto Hours, int FirstResponseTargetSeconds, int ResolutionTargetSeconds, bool OpenNow, int Waiting,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class QueuesApi
{
    public static readonly IReadOnlySet<string> ChannelKinds = new HashSet<string> { "web", "api", "sms", "whatsapp", "email", "voice", "partner" };

    public static IEndpointRouteBuilder MapQueuesApi(this IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/api/v1/queues").WithTags("Queues").RequireAuthorization(OmniPolicies.Agent);

        queues.MapGet("/", List).WithName("ListQueues").WithSummary("Every queue with its rules and how many wait in it now.");
        queues.MapGet("/{id:guid}", Get).WithName("GetQueue").WithSummary("One queue.");
        queues.MapPost("/", Create).WithName("CreateQueue").RequireAuthorization(OmniPolicies.Supervisor)
            .WithSummary("Creates a queue: required skills (levels 1–10), priority, channels, topics, languages, business hours and SLA targets.");
        queues.MapPut("/{id:guid}", Update).WithName("UpdateQueue").RequireAuthorization(OmniPolicies.Supervisor)
            .WithSummary("Replaces a queue's rules; conversations waiting in it stay and are routed by the new rules.");
        queues.MapDelete("/{id:guid}", Delete).WithName("DeleteQueue").RequireAuthorization(OmniPolicies.Supervisor)
            .WithSummary("Deletes an empty queue that is not the default; 409 while conversations wait in it.");
        return app;
    }

    private static async Task<Ok<QueueDto[]>> List(RoutingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var queues = await db.Queues.AsNoTracking().OrderByDescending(q => q.Priority).ThenBy(q => q.Name).ToListAsync(cancellationToken);
        var waiting = await WaitingAsync(db, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(queues.Select(q => ToDto(q, waiting.GetValueOrDefault(q.Id), now)).ToArray());
    }

    private static async Task<Results<Ok<QueueDto>, ProblemHttpResult>> Get(Guid id, RoutingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var queue = await db.Queues.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (queue is null) return QueueNotFound();
        var waiting = await db.Conversations.CountAsync(c => c.QueueId == id && c.State == ConversationState.Queued, cancellationToken);
        return TypedResults.Ok(ToDto(queue, waiting, clock.GetUtcNow()));
    }

    private static async Task<Results<Created<QueueDto>, ValidationProblem, ProblemHttpResult>> Create(
        QueueRequest request, RoutingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var queue = new Queue { Id = Guid.CreateVersion7(now), Name = "", CreatedAt = now };
        if (Apply(request, queue) is { } errors) return TypedResults.ValidationProblem(errors);
        queue.UpdatedAt = now;
        if (queue.IsDefault) await db.Queues.Where(q => q.IsDefault).ExecuteUpdateAsync(s => s.SetProperty(q => q.IsDefault, false), cancellationToken);
        db.Queues.Add(queue);
        if (await SaveAsync(db, cancellationToken) is { } conflict) return conflict;
        return TypedResults.Created($"/api/v1/queues/{queue.Id}", ToDto(queue, 0, now));
    }

    private static async Task<Results<Ok<QueueDto>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, QueueRequest request, RoutingDbContext db, RouterSignal router, TimeProvider clock, CancellationToken cancellationToken)
    {
        var queue = await db.Queues.FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (queue is null) return QueueNotFound();
        var wasDefault = queue.IsDefault;
        if (Apply(request, queue) is { } errors) return TypedResults.ValidationProblem(errors);
        if (wasDefault && !queue.IsDefault)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["isDefault"] = ["One queue is always the default: make another queue the default instead."] });
        }
        queue.UpdatedAt = clock.GetUtcNow();
        if (queue.IsDefault && !wasDefault) await db.Queues.Where(q => q.IsDefault && q.Id != id).ExecuteUpdateAsync(s => s.SetProperty(q => q.IsDefault, false), cancellationToken);
        if (await SaveAsync(db, cancellationToken) is { } conflict) return conflict;
        router.Notify();
        var waiting = await db.Conversations.CountAsync(c => c.QueueId == id && c.State == ConversationState.Queued, cancellationToken);
        return TypedResults.Ok(ToDto(queue, waiting, queue.UpdatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, RoutingDbContext db, CancellationToken cancellationToken)
    {
        var queue = await db.Queues.FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (queue is null) return QueueNotFound();
        if (queue.IsDefault) return TypedResults.Problem(title: "Cannot delete the default queue", detail: "Make another queue the default first.", statusCode: StatusCodes.Status409Conflict);
        var waiting = await db.Conversations.CountAsync(c => c.QueueId == id && c.State == ConversationState.Queued, cancellationToken);
        if (waiting > 0)
        {
            return TypedResults.Problem(title: "The queue is not empty", detail: $"{waiting} conversation(s) wait in it: transfer them first.", statusCode: StatusCodes.Status409Conflict);
        }
        db.Queues.Remove(queue);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Validates the whole request and applies it; null when valid, else every problem by field (nothing is applied then).</summary>
    private static Dictionary<string, string[]>? Apply(QueueRequest request, Queue queue)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) errors["name"] = ["Required, at most 100 characters."];
        if (request.Description?.Length > 500) errors["description"] = ["At most 500 characters."];
        var skills = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (skill, level) in request.RequiredSkills ?? [])
        {
            if (string.IsNullOrWhiteSpace(skill) || skill.Length > 64) errors["requiredSkills"] = ["Skill names: 1–64 characters."];
            else if (!SkillLevels.IsValid(level)) errors[$"requiredSkills.{skill}"] = [$"Level {level} is not valid: levels run from {SkillLevels.Min} to {SkillLevels.Max}."];
            else skills[skill.Trim().ToLowerInvariant()] = level;
        }
        var priority = request.Priority ?? 0;
        if (priority is < 0 or > 100) errors["priority"] = ["0–100."];
        var channels = Clean(request.Channels);
        if (channels.FirstOrDefault(c => !ChannelKinds.Contains(c)) is { } unknownChannel)
        {
            errors["channels"] = [$"Unknown channel \"{unknownChannel}\": one of {string.Join(", ", ChannelKinds.Order())}."];
        }
        var languages = Clean(request.Languages);
        if (languages.FirstOrDefault(l => l.Length is < 2 or > 8) is not null) errors["languages"] = ["Language codes such as nl, en."];
        var hours = new BusinessHours();
        if (request.Hours is { } h)
        {
            hours.TimeZone = string.IsNullOrWhiteSpace(h.TimeZone) ? hours.TimeZone : h.TimeZone.Trim();
            if (!BusinessCalendar.IsKnownZone(hours.TimeZone)) errors["hours.timeZone"] = [$"Unknown time zone \"{hours.TimeZone}\": use an IANA name such as Europe/Amsterdam."];
            foreach (var day in h.Days ?? [])
            {
                if (!Enum.TryParse<DayOfWeek>(day.Day, ignoreCase: true, out var dayOfWeek) || int.TryParse(day.Day, out _))
                {
                    errors["hours.days"] = [$"Unknown day \"{day.Day}\": monday … sunday."];
                }
                else if (!TimeOnly.TryParse(day.Open, out var open) || !TimeOnly.TryParse(day.Close, out var close) || close <= open)
                {
                    errors["hours.days"] = [$"{day.Day}: open and close as HH:mm, close after open."];
                }
                else
                {
                    hours.Days.Add(new OpeningHours(dayOfWeek, open, close));
                }
            }
            hours.Holidays = [.. (h.Holidays ?? []).Distinct().Order()];
        }
        var firstResponse = request.FirstResponseTargetSeconds ?? 300;
        var resolution = request.ResolutionTargetSeconds ?? 86_400;
        if (firstResponse is < 1 or > 30 * 86_400) errors["firstResponseTargetSeconds"] = ["1 second to 30 days."];
        if (resolution is < 1 or > 365 * 86_400) errors["resolutionTargetSeconds"] = ["1 second to a year."];
        if (errors.Count > 0) return errors;

        queue.Name = name!;
        queue.Description = request.Description?.Trim();
        queue.RequiredSkills = skills;
        queue.Priority = priority;
        queue.Channels = channels;
        queue.Topics = Clean(request.Topics);
        queue.Languages = languages;
        queue.IsDefault = request.IsDefault ?? queue.IsDefault;
        queue.Hours = hours;
        queue.FirstResponseTargetSeconds = firstResponse;
        queue.ResolutionTargetSeconds = resolution;
        return null;
    }

    private static List<string> Clean(List<string>? values) =>
        [.. (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim().ToLowerInvariant()).Distinct()];

    private static async Task<ProblemHttpResult?> SaveAsync(RoutingDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(title: "A queue with that name exists", statusCode: StatusCodes.Status409Conflict);
        }
    }

    internal static async Task<Dictionary<Guid, int>> WaitingAsync(RoutingDbContext db, CancellationToken cancellationToken) =>
        await db.Conversations.Where(c => c.State == ConversationState.Queued && c.QueueId != null)
            .GroupBy(c => c.QueueId!.Value)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);

    internal static ProblemHttpResult QueueNotFound() => TypedResults.Problem(title: "Queue not found", statusCode: StatusCodes.Status404NotFound);

    public static QueueDto ToDto(Queue queue, int waiting, DateTimeOffset now) => new(
        queue.Id, queue.Name, queue.Description, queue.RequiredSkills, queue.Priority, queue.Channels, queue.Topics, queue.Languages, queue.IsDefault,
        new BusinessHoursDto(queue.Hours.TimeZone,
            [.. queue.Hours.Days.Select(d => new OpeningHoursDto(d.Day.ToString().ToLowerInvariant(), d.Open.ToString("HH:mm"), d.Close.ToString("HH:mm")))],
            queue.Hours.Holidays),
        queue.FirstResponseTargetSeconds, queue.ResolutionTargetSeconds, new BusinessCalendar(queue.Hours).IsOpen(now), waiting, queue.CreatedAt, queue.UpdatedAt);
}
