namespace Omni.Routing.Desk;

/// <summary>How a desk action ended, mapped to one HTTP status (or a hub error) by whoever asked.</summary>
public abstract record DeskOutcome
{
    public sealed record Done(object? Value = null) : DeskOutcome;

    public sealed record NotFound(string What) : DeskOutcome;

    public sealed record Forbidden(string Reason) : DeskOutcome;

    public sealed record Conflict(string Reason) : DeskOutcome;

    public sealed record Invalid(string Field, string Reason) : DeskOutcome;

    public static readonly Done Ok = new();

    public string Describe() => this switch
    {
        Done => "Done.",
        NotFound n => $"{n.What} not found.",
        Forbidden f => f.Reason,
        Conflict c => c.Reason,
        Invalid i => $"{i.Field}: {i.Reason}",
        _ => GetType().Name,
    };

    /// <summary>The HTTP answer: 200 with the value, 404, 403, 409 or 400, each as problem details.</summary>
    public IResult ToHttp() => this switch
    {
        Done { Value: null } => TypedResults.NoContent(),
        Done d => TypedResults.Ok(d.Value),
        NotFound n => TypedResults.Problem(title: $"{n.What} not found", statusCode: StatusCodes.Status404NotFound),
        Forbidden f => TypedResults.Problem(title: "Not yours to do", detail: f.Reason, statusCode: StatusCodes.Status403Forbidden),
        Conflict c => TypedResults.Problem(title: "Cannot do that now", detail: c.Reason, statusCode: StatusCodes.Status409Conflict),
        Invalid i => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [i.Field] = [i.Reason] }),
        _ => throw new InvalidOperationException(),
    };
}
