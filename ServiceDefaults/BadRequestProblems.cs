using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a value of the wrong type, a bad route or query
/// value) into a 400 problem details that names where it went wrong — in every environment — instead of a 500.
/// Nothing reaches the handler, so nothing is stored.
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        var json = bad.InnerException as JsonException;
        var field = json?.Path is { Length: > 0 } path ? (path == "$" ? "$" : path.TrimStart('$', '.')) : "request";
        var reason = json is not null
            ? "Not valid JSON here: " + json.Message.Split(" Path:")[0].Split('\n')[0]
            : bad.Message;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
            {
                Status = bad.StatusCode,
                Title = "The request could not be read.",
            },
        });
    }
}
