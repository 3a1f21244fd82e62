using Microsoft.AspNetCore.Http.HttpResults;

namespace Omni.Gateway;

/// <summary>The answer for a path no route matches: a problem-details 404 that says so, distinct from a service's 404.</summary>
public static class NoSuchRoute
{
    public const string Title = "No such route";

    public static ProblemHttpResult Handle(HttpContext context) => TypedResults.Problem(
        title: Title,
        detail: $"Omni has no API at {context.Request.Method} {context.Request.Path}. APIs live under /api/v1/.",
        statusCode: StatusCodes.Status404NotFound);
}
