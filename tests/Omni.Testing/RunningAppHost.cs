using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Omni.Testing;

/// <summary>
/// The AppHost started as <c>./omni up</c> starts it (containers, local servers or external ones), on a throw-away
/// data folder so that runs never share state; stopped and cleaned up on dispose.
/// </summary>
public sealed class RunningAppHost : IAsyncDisposable
{
    private readonly string _dataPath;

    private RunningAppHost(DistributedApplication app, string dataPath)
    {
        App = app;
        _dataPath = dataPath;
    }

    public DistributedApplication App { get; }

    /// <summary>This run's data folder (Omni:DataPath); its <c>secrets/</c> hold what the AppHost generated, such as the admin's password.</summary>
    public string DataPath => _dataPath;

    /// <summary>
    /// Starts the AppHost; with <paramref name="infrastructureOnly"/> just PostgreSQL, Redis and RabbitMQ. The demo accounts
    /// <c>./omni up</c> sets up come only with <paramref name="demo"/>: a test sets up what it needs itself.
    /// </summary>
    public static async Task<RunningAppHost> StartAsync(bool infrastructureOnly, CancellationToken cancellationToken, bool demo = false)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "omni-run-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataPath);
        // Local servers run as their own users and must reach their folders (rwxr-xr-x).
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dataPath, (UnixFileMode)0b111_101_101);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Omni_AppHost>(
            [$"Omni:InfrastructureOnly={infrastructureOnly}", $"Omni:DataPath={dataPath}", $"Omni:Demo={demo}"], cancellationToken);
        // The servers' and services' own chatter stays in their resource logs; only trouble reaches the runner's console.
        // The testing builder's own configuration sets Information for these categories, which beats a minimum level.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Omni.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning));
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return new RunningAppHost(app, dataPath);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (IOException) { /* a server still closing its files; the temp folder is the OS's to clean */ }
    }
}
