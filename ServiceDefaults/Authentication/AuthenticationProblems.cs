using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Omni.Authentication;

/// <summary>401 and 403 answers as RFC 9457 problem details, like every other error Omni gives.</summary>
public static class AuthenticationProblems
{
    public const string UnauthorizedTitle = "Unauthorized";
    public const string ForbiddenTitle = "Forbidden";

    /// <summary>Writes a problem-details response with <paramref name="status"/>, unless the response has begun.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = status == StatusCodes.Status403Forbidden
                ? "https://tools.ietf.org/html/rfc9110#section-15.5.4"
                : "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        };
        var writer = context.RequestServices.GetService<IProblemDetailsService>();
        if (writer is null || !await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await Results.Problem(problem).ExecuteAsync(context);
        }
    }
}
