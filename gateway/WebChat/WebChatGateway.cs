using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace Omni.Gateway.WebChat;

/// <summary>Settings of the widget's routes (<c>Gateway:WebChat</c>).</summary>
public sealed class WebChatGatewayOptions
{
    /// <summary>Requests to /api/v1/webchat/** one client address may make per minute (sessions, uploads).</summary>
    public int RequestsPerMinute { get; set; } = 120;

    /// <summary>How long browsers and CDNs may keep widget.js before asking again (then revalidated by ETag).</summary>
    public TimeSpan WidgetMaxAge { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// What the embeddable widget needs from the gateway: <c>/widget.js</c>, CORS for any site embedding it (no cookies),
/// and a per-address rate limit on its anonymous API. Routes name the policies in appsettings.json.
/// </summary>
public static class WebChatGateway
{
    public const string CorsPolicy = "widget";
    public const string RateLimiterPolicy = "webchat";

    /// <summary>The widget's CORS policy and rate limit.</summary>
    public static IHostApplicationBuilder AddWebChatGateway(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Gateway:WebChat").Get<WebChatGatewayOptions>() ?? new WebChatGatewayOptions();
        builder.Services.Configure<WebChatGatewayOptions>(builder.Configuration.GetSection("Gateway:WebChat"));

        // Any website may embed the widget. Without credentials "*" is safe: the visitor token travels in a header or
        // the query string, never in a cookie.
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders(HeaderNames.Location, "X-Correlation-Id")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimiterPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await TypedResults.Problem(title: "Too many requests", detail: "Slow down and try again shortly.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Serves the built widget at <c>/widget.js</c> (from wwwroot, built by the gateway's build) with a short cache and an ETag.</summary>
    public static IEndpointRouteBuilder MapWidget(this IEndpointRouteBuilder app)
    {
        app.MapGet("/widget.js", ServeWidget)
            .WithName("Widget")
            .WithSummary("The embeddable chat widget: <script src=\".../widget.js\" data-site=\"your-site\"></script>.")
            .ExcludeFromDescription();
        return app;
    }

    private static IResult ServeWidget(HttpContext http, IWebHostEnvironment environment, Microsoft.Extensions.Options.IOptions<WebChatGatewayOptions> options)
    {
        var file = new FileInfo(Path.Combine(environment.ContentRootPath, "wwwroot", "widget.js"));
        if (!file.Exists) file = new FileInfo(Path.Combine(AppContext.BaseDirectory, "wwwroot", "widget.js"));
        if (!file.Exists)
        {
            return TypedResults.Problem(title: "Widget not built", detail: "Build the gateway (./omni up builds it) to produce widget.js.",
                statusCode: StatusCodes.Status404NotFound);
        }
        http.Response.Headers.CacheControl = $"public, max-age={(int)options.Value.WidgetMaxAge.TotalSeconds}";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // Scripts load without CORS, but a page that fetches the file (integrity checks, preloads) may ask.
        http.Response.Headers.AccessControlAllowOrigin = "*";
        var tag = new EntityTagHeaderValue($"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"");
        return TypedResults.PhysicalFile(file.FullName, "text/javascript; charset=utf-8", lastModified: file.LastWriteTimeUtc, entityTag: tag);
    }
}
