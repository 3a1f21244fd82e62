using Omni.Knowledge.Articles;

namespace Omni.Knowledge.Import;

public static partial class HelpCentreSeed
{
    /// <summary>The shipped help centre (HelpCentre/{nl,en}/*.md beside the service).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "HelpCentre");

    /// <summary>Reads the shipped help centre's files; throws when one cannot be read (it ships with the service).</summary>
    public static IReadOnlyList<ImportedArticle> Read(string folder)
    {
        var articles = new List<ImportedArticle>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            articles.Add(HelpCentreFiles.Parse(relative, File.ReadAllText(path), out var error)
                ?? throw new InvalidOperationException($"{relative}: {error}"));
        }
        return articles;
    }

    /// <summary>
    /// With <c>Knowledge:SeedHelpCentre</c> true, imports the shipped help centre before the service takes traffic
    /// (the demo; tests opt in themselves). Importing is idempotent, so every start may do it.
    /// </summary>
    public static async Task SeedHelpCentreAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Knowledge:SeedHelpCentre", false)) return;
        await using var scope = app.Services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Knowledge.HelpCentre");
        var import = scope.ServiceProvider.GetRequiredService<HelpCentreImport>();
        var outcome = await import.ImportAsync(Read(Folder), Caller.System, app.Lifetime.ApplicationStopping);
        if (outcome.Errors is { } errors)
        {
            throw new InvalidOperationException("The shipped help centre does not import: " +
                string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        }
        LogSeeded(logger, outcome.Result!.Created, outcome.Result.Updated, outcome.Result.Unchanged);
    }

    [LoggerMessage(LogLevel.Information, "Help centre: {Created} article(s) created, {Updated} updated, {Unchanged} unchanged")]
    private static partial void LogSeeded(ILogger logger, int created, int updated, int unchanged);
}
