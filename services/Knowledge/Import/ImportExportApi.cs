using System.IO.Compression;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Omni.Authentication;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;

namespace Omni.Knowledge.Import;

public sealed record ExportedArticle(
    Guid Id, string Language, string Slug, string TranslationKey, string Title, string Body, IReadOnlyList<string> Tags, string Status, int Version,
    DateTimeOffset UpdatedAt);

public sealed record HelpCentreExport(DateTimeOffset ExportedAt, IReadOnlyList<ExportedArticle> Articles);

public static class ImportExportApi
{
    public static IEndpointRouteBuilder MapImportExportApi(this IEndpointRouteBuilder app)
    {
        var articles = app.MapGroup("/api/v1/articles").WithTags("Import and export").RefuseInvalidTokens().RequireAuthorization(OmniPolicies.Editor);

        articles.MapPost("/import", Import)
            .WithName("ImportHelpCentre")
            .WithSummary("Imports a whole help centre (editor): a zip of Markdown files with front matter (application/zip), Markdown or zip files " +
                         "as multipart/form-data, or JSON ({\"articles\": [...]}). Matched by language and slug: created, updated with a new version, or " +
                         "unchanged. One bad article refuses the import with 400 naming it; nothing is half-imported.");
        articles.MapGet("/export", Export)
            .WithName("ExportHelpCentre")
            .WithSummary("Every article (editor): format=zip (default; {language}/{slug}.md with front matter) or format=json; importing it again changes nothing.");
        return app;
    }

    private static async Task<Results<Ok<ImportResult>, ValidationProblem>> Import(
        HttpRequest request, ClaimsPrincipal user, HelpCentreImport import, CancellationToken cancellationToken)
    {
        var (articles, unreadable) = await ReadAsync(request, cancellationToken);
        var outcome = await import.ImportAsync(articles, Caller.From(user), cancellationToken, unreadable);
        return outcome.Errors is { } invalid
            ? TypedResults.ValidationProblem(invalid, title: "The help centre cannot be imported; nothing was.")
            : TypedResults.Ok(outcome.Result!);
    }

    private static async Task<(List<ImportedArticle> Articles, Dictionary<string, string[]> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var articles = new List<ImportedArticle>();
        var errors = new Dictionary<string, string[]>();
        var contentType = request.ContentType ?? "";
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count == 0) errors["files"] = ["Attach Markdown files (.md), a zip of them, or a JSON export."];
            foreach (var file in form.Files)
            {
                var name = file.FileName.Length > 0 ? file.FileName.Replace('\\', '/') : file.Name;
                await using var stream = file.OpenReadStream();
                var buffered = await BufferAsync(stream, HelpCentreImport.MaxTotalBytes, cancellationToken);
                if (buffered is null) { errors[name] = ["Too large."]; continue; }
                if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) AddZip(buffered, articles, errors);
                else if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) AddJson(buffered, articles, errors);
                else if (HelpCentreImport.IsMarkdown(name)) AddMarkdown(name, Encoding.UTF8.GetString(buffered.ToArray()), articles, errors);
                else errors[name] = ["Not a Markdown (.md), zip or JSON file."];
            }
            return (articles, errors);
        }

        var body = await BufferAsync(request.Body, HelpCentreImport.MaxTotalBytes, cancellationToken);
        if (body is null) errors["body"] = [$"At most {HelpCentreImport.MaxTotalBytes / 1_000_000} MB."];
        else if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)) AddJson(body, articles, errors);
        else if (contentType.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase)
                 || contentType.StartsWith("application/x-zip", StringComparison.OrdinalIgnoreCase)
                 || contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)) AddZip(body, articles, errors);
        else if (contentType.StartsWith("text/markdown", StringComparison.OrdinalIgnoreCase)) AddMarkdown("article.md", Encoding.UTF8.GetString(body.ToArray()), articles, errors);
        else errors["body"] = ["Send application/zip, application/json, text/markdown or multipart/form-data."];
        return (articles, errors);
    }

    private static void AddZip(MemoryStream zip, List<ImportedArticle> articles, Dictionary<string, string[]> errors)
    {
        var (files, error) = HelpCentreImport.ReadZip(zip);
        if (error is not null) { errors["zip"] = [error]; return; }
        foreach (var (path, content) in files) AddMarkdown(path, content, articles, errors);
    }

    private static void AddJson(MemoryStream json, List<ImportedArticle> articles, Dictionary<string, string[]> errors)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var (read, readErrors) = HelpCentreImport.ReadJson(document.RootElement);
            articles.AddRange(read);
            foreach (var (k, v) in readErrors) errors[k] = v;
        }
        catch (JsonException ex)
        {
            errors["json"] = [$"Not valid JSON: {ex.Message.Split(" Path:")[0]}"];
        }
    }

    private static void AddMarkdown(string path, string content, List<ImportedArticle> articles, Dictionary<string, string[]> errors)
    {
        var parsed = HelpCentreFiles.Parse(path, content, out var error);
        if (parsed is null) errors[path] = [error!];
        else articles.Add(parsed);
    }

    private static async Task<MemoryStream?> BufferAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }

    private static async Task<IResult> Export(string? format, KnowledgeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var kind = (format ?? "zip").Trim().ToLowerInvariant();
        if (kind is not ("zip" or "json"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["zip or json."] });
        }
        var articles = await db.Articles.AsNoTracking().OrderBy(a => a.Language).ThenBy(a => a.Slug).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (kind == "json")
        {
            return TypedResults.Ok(new HelpCentreExport(now, articles.Select(a =>
                new ExportedArticle(a.Id, a.Language, a.Slug, a.TranslationKey, a.Title, a.Body, a.Tags, ArticlesApi.Wire(a.Status), a.Version, a.UpdatedAt)).ToList()));
        }

        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var article in articles)
            {
                var entry = archive.CreateEntry($"{article.Language}/{article.Slug}.md", CompressionLevel.Optimal);
                entry.LastWriteTime = article.UpdatedAt;
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write(HelpCentreFiles.Write(article));
            }
        }
        zip.Position = 0;
        return TypedResults.File(zip, "application/zip", $"help-centre-{now:yyyyMMdd-HHmmss}.zip");
    }
}
