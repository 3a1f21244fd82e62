using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Omni.AppHost.Infrastructure;

/// <summary>How the AppHost gets its PostgreSQL, Redis and RabbitMQ.</summary>
public enum InfrastructureMode
{
    /// <summary>Aspire's container resources, when a container engine answers.</summary>
    Containers,

    /// <summary>Server processes from the OS packages, on free loopback ports, data under <c>.omni/</c>.</summary>
    LocalProcesses,

    /// <summary>Servers that already run elsewhere, given as connection strings.</summary>
    External,
}

/// <summary>The servers every service stands on, whichever way they were provided.</summary>
public sealed class OmniInfrastructure(
    InfrastructureMode mode,
    Func<string, string, IResourceBuilder<IResourceWithConnectionString>> addDatabase,
    IResourceBuilder<IResourceWithConnectionString> sessionCache,
    IResourceBuilder<IResourceWithConnectionString> bus)
{
    public InfrastructureMode Mode { get; } = mode;

    /// <summary>Redis, resource <c>session-cache</c>.</summary>
    public IResourceBuilder<IResourceWithConnectionString> SessionCache { get; } = sessionCache;

    /// <summary>RabbitMQ, resource <c>bus</c>.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Bus { get; } = bus;

    /// <summary>A service's own database on the shared PostgreSQL server.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string resourceName, string databaseName) =>
        addDatabase(resourceName, databaseName);
}

public static class OmniInfrastructureExtensions
{
    public const string PostgresName = "postgres";
    public const string SessionCacheName = "session-cache";
    public const string BusName = "bus";

    /// <summary>
    /// Chooses the infrastructure for this machine (<c>Omni:Infrastructure</c> = auto | containers | local | external),
    /// adds it to the model and logs the choice at start.
    /// </summary>
    public static OmniInfrastructure AddOmniInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var requested = builder.Configuration["Omni:Infrastructure"]?.Trim().ToLowerInvariant() ?? "auto";
        var (mode, reason) = requested switch
        {
            "containers" => (InfrastructureMode.Containers, "requested by Omni:Infrastructure"),
            "local" => (InfrastructureMode.LocalProcesses, "requested by Omni:Infrastructure"),
            "external" => (InfrastructureMode.External, "requested by Omni:Infrastructure"),
            "auto" => ContainerEngine.Answers(out var engine)
                ? (InfrastructureMode.Containers, $"the container engine '{engine}' answers")
                : (InfrastructureMode.LocalProcesses, "no container engine answers"),
            _ => throw new InvalidOperationException($"Omni:Infrastructure is '{requested}'; expected auto, containers, local or external."),
        };

        var infrastructure = mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder),
            InfrastructureMode.LocalProcesses when !OperatingSystem.IsWindows() => builder.AddLocalServers(),
            InfrastructureMode.LocalProcesses => throw new PlatformNotSupportedException("Local servers run on Linux and macOS; on Windows use containers or external servers."),
            _ => AddExternal(builder),
        };

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Infrastructure");
            logger.LogInformation("Infrastructure: {Mode} ({Reason})", mode, reason);
            return Task.CompletedTask;
        });
        return infrastructure;
    }

    private static OmniInfrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        // Room for every service's pool (4 × 40) plus migrations and tools.
        var postgres = builder.AddPostgres(PostgresName).WithDataVolume("omni-postgres").WithArgs("-c", "max_connections=200");
        var redis = builder.AddRedis(SessionCacheName).WithDataVolume("omni-redis");
        var rabbit = builder.AddRabbitMQ(BusName).WithDataVolume("omni-rabbitmq");
        return new OmniInfrastructure(
            InfrastructureMode.Containers,
            (name, database) => postgres.AddDatabase(name, database).AsConnectionString(),
            redis.AsConnectionString(),
            rabbit.AsConnectionString());
    }

    private static OmniInfrastructure AddExternal(IDistributedApplicationBuilder builder)
    {
        // Each name is read from ConnectionStrings:<name>; the databases are created by the services' migrations.
        return new OmniInfrastructure(
            InfrastructureMode.External,
            (name, _) => builder.AddConnectionString(name),
            builder.AddConnectionString(SessionCacheName),
            builder.AddConnectionString(BusName));
    }

    internal static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(this IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        resource.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}

/// <summary>Asks the container CLIs whether an engine is running behind them.</summary>
internal static class ContainerEngine
{
    public static bool Answers(out string engine)
    {
        var preferred = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME");
        foreach (var candidate in preferred is null ? ["docker", "podman"] : new[] { preferred })
        {
            if (Probe(candidate))
            {
                engine = candidate;
                return true;
            }
        }
        engine = "";
        return false;
    }

    private static bool Probe(string cli)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return false;
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
