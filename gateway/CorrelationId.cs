using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Omni.Gateway;

/// <summary>
/// Gives every request a correlation id (the caller's <c>X-Correlation-Id</c> when it is sane, else a new one),
/// forwards it to the service, returns it to the caller and tags the trace with it, so a support call that quotes
/// the id leads straight to the trace.
/// </summary>
public static partial class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>Adds the correlation id middleware; place it first.</summary>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var id = SaneId().IsMatch(incoming) ? incoming : Guid.CreateVersion7().ToString();
        context.Request.Headers[HeaderName] = id;
        context.Response.Headers[HeaderName] = id;
        Activity.Current?.SetTag("omni.correlation_id", id);
        Activity.Current?.SetBaggage("omni.correlation_id", id);
        await next(context);
    });

    // Letters, digits and dashes, bounded: anything else could smuggle text into logs and headers downstream.
    [GeneratedRegex("^[A-Za-z0-9._-]{8,128}$")]
    private static partial Regex SaneId();
}
