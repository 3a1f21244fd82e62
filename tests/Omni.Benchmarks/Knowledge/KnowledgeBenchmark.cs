using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using NpgsqlTypes;
using Omni.Benchmarks.Wire;
using Omni.Testing;

namespace Omni.Benchmarks.Knowledge;

/// <summary>
/// Knowledge's search, measured on the real service (its own process, real HTTP) against real PostgreSQL:
/// <list type="number">
/// <item>Quality on the shipped help centre with the labelled query set (labelled-queries.tsv): nDCG@10 and recall@5
/// of Omni's ranking against plain ts_rank on the same index (websearch_to_tsquery in the article's configuration),
/// and what a bot would do at the default answer threshold.</item>
/// <item>Bulk load of generated nl/en articles (default 100,000), then the time to build the GIN index and the
/// vocabulary from scratch.</item>
/// <item>Latency at a fixed rate (open loop, counted from when each query was due) over that corpus: Omni's search
/// over HTTP; baseline in the same run and at the same rate: reading one article by id over HTTP; and plain ts_rank
/// run directly in SQL (no HTTP) for the same queries.</item>
/// </list>
/// </summary>
internal static class KnowledgeBenchmark
{
    private sealed record Labelled(string Language, string Query, Dictionary<string, int> Relevant);

    private sealed record Hit(string Slug, double Confidence);

    public static async Task<int> RunAsync(string[] args)
    {
        var articles = int.Parse(Option(args, "--articles", "100000"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Option(args, "--rate", "50"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds", "60"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup", "15"), CultureInfo.InvariantCulture);
        var root = RepositoryRoot();

        Console.WriteLine($"Starting PostgreSQL and RabbitMQ ({Environment.ProcessorCount} cores)…");
        await using var host = await RunningAppHost.StartAsync(infrastructureOnly: true, CancellationToken.None);
        foreach (var name in new[] { "knowledge-db", "bus" }) await host.App.ResourceNotifications.WaitForResourceHealthyAsync(name);
        var database = (await host.App.GetConnectionStringAsync("knowledge-db"))!;
        var bus = (await host.App.GetConnectionStringAsync("bus"))!;

        Console.WriteLine("Starting the knowledge service (Release) with the shipped help centre…");
        var (service, address) = await StartKnowledgeAsync(root, database, bus);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            await using var sql = NpgsqlDataSource.Create(database + ";Maximum Pool Size=32");

            var labelled = ReadLabelled(Path.Combine(root, "tests/Omni.Benchmarks/Knowledge/labelled-queries.tsv"));
            await MeasureQualityAsync(http, sql, labelled);

            var index = await LoadAsync(sql, articles, Path.Combine(root, "services/Knowledge/HelpCentre"));
            var queries = Queries(labelled, Path.Combine(root, "services/Knowledge/HelpCentre"));
            var ids = await sql.CreateCommand("""SELECT "Id" FROM articles WHERE "Status" = 'Published' ORDER BY random() LIMIT 1000""").ExecuteReaderAsync()
                .ContinueWith(async t => { var list = new List<Guid>(); await using var r = await t; while (await r.ReadAsync()) list.Add(r.GetGuid(0)); return list; }).Unwrap();

            Func<int, Task<bool>> search = async n =>
            {
                var (language, query) = queries[n % queries.Count];
                using var response = await http.GetAsync($"/api/v1/articles/search?q={Uri.EscapeDataString(query)}&lang={language}");
                return response.StatusCode == HttpStatusCode.OK;
            };
            Func<int, Task<bool>> read = async n =>
            {
                using var response = await http.GetAsync($"/api/v1/articles/{ids[n % ids.Count]}");
                return response.StatusCode == HttpStatusCode.OK;
            };
            Func<int, Task<bool>> plain = async n =>
            {
                var (language, query) = queries[n % queries.Count];
                await PlainTsRankAsync(sql, language, query);
                return true;
            };

            Console.WriteLine($"Warming up for {warmup} s…");
            await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(warmup), search);
            await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(Math.Min(warmup, 5)), read);
            var baseline = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), read);
            var omni = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), search);
            var direct = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), plain);

            Console.WriteLine();
            Console.WriteLine($"Search over {index.Articles:N0} generated articles + the help centre, {rate} queries/s for {seconds} s each, " +
                              $"{queries.Count} distinct queries (labelled and generated, a third misspelt), {Environment.ProcessorCount} cores (ms)");
            Console.WriteLine();
            Console.WriteLine("| call | sent | failed | p50 | p95 | p99 | max |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Row("GET /api/v1/articles/{id} (baseline)", baseline);
            Row("GET /api/v1/articles/search (Omni)", omni);
            Row("plain ts_rank in SQL, no HTTP", direct);
            Console.WriteLine($"| ratio Omni search ÷ baseline | | | {omni.Latencies.Percentile(0.5) / baseline.Latencies.Percentile(0.5):F1}× | " +
                              $"{omni.Latencies.Percentile(0.95) / baseline.Latencies.Percentile(0.95):F1}× | {omni.Latencies.Percentile(0.99) / baseline.Latencies.Percentile(0.99):F1}× | |");
            Console.WriteLine();
            Console.WriteLine($"Loading {index.Articles:N0} articles: {index.Load.TotalSeconds:F1} s (GIN and trigram indexes kept up to date while inserting); " +
                              $"search indexes (GIN full text and headings per language, title trigrams) built from scratch: {index.GinBuild.TotalSeconds:F1} s; " +
                              $"vocabulary rebuilt: {index.Vocabulary.TotalSeconds:F1} s ({index.Words:N0} words); indexes' size {index.GinSize}.");
            return 0;
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    private static void Row(string name, OpenLoopLoad.Result result) =>
        Console.WriteLine($"| {name} | {result.Sent} | {result.Failed} | {result.Latencies.Percentile(0.5):F1} | {result.Latencies.Percentile(0.95):F1} | " +
                          $"{result.Latencies.Percentile(0.99):F1} | {result.Latencies.Percentile(1):F0} |");

    private static async Task MeasureQualityAsync(HttpClient http, NpgsqlDataSource sql, List<Labelled> labelled)
    {
        var answerable = labelled.Where(l => l.Relevant.Count > 0).ToList();
        var rows = new List<(string Language, double OmniNdcg, double OmniRecall, double PlainNdcg, double PlainRecall, bool OmniTop, bool PlainTop)>();
        int answeredRight = 0, answeredWrong = 0, declined = 0;
        foreach (var q in answerable)
        {
            var omni = await OmniAsync(http, q);
            var plain = await PlainTsRankAsync(sql, q.Language, q.Query);
            rows.Add((q.Language, Ndcg(omni.Select(h => h.Slug).ToList(), q.Relevant), Recall(omni.Select(h => h.Slug).ToList(), q.Relevant),
                Ndcg(plain, q.Relevant), Recall(plain, q.Relevant),
                omni.Count > 0 && q.Relevant.GetValueOrDefault(omni[0].Slug) == 2, plain.Count > 0 && q.Relevant.GetValueOrDefault(plain[0]) == 2));
            var best = omni.FirstOrDefault();
            if (best is null || best.Confidence < AnswerThreshold) declined++;
            else if (q.Relevant.GetValueOrDefault(best.Slug) == 2) answeredRight++;
            else answeredWrong++;
        }
        var unanswerable = labelled.Where(l => l.Relevant.Count == 0).ToList();
        var wronglyAnswered = 0;
        foreach (var q in unanswerable)
        {
            var best = (await OmniAsync(http, q)).FirstOrDefault();
            if (best is not null && best.Confidence >= AnswerThreshold) wronglyAnswered++;
        }

        Console.WriteLine();
        Console.WriteLine($"Quality on the shipped help centre ({answerable.Count} labelled queries with an answer, {unanswerable.Count} without; " +
                          "tests/Omni.Benchmarks/Knowledge/labelled-queries.tsv)");
        Console.WriteLine();
        Console.WriteLine("| queries | n | Omni nDCG@10 | Omni recall@5 | Omni top-1 | ts_rank nDCG@10 | ts_rank recall@5 | ts_rank top-1 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => r.Language).Prepend(rows.GroupBy(_ => "all").Single()))
        {
            var g = group.ToList();
            Console.WriteLine($"| {group.Key} | {g.Count} | {g.Average(r => r.OmniNdcg):F3} | {g.Average(r => r.OmniRecall):F3} | {g.Count(r => r.OmniTop) / (double)g.Count:P0} | " +
                              $"{g.Average(r => r.PlainNdcg):F3} | {g.Average(r => r.PlainRecall):F3} | {g.Count(r => r.PlainTop) / (double)g.Count:P0} |");
        }
        Console.WriteLine();
        Console.WriteLine($"A bot answering from confidence {AnswerThreshold:F2}: of {answerable.Count} answerable questions {answeredRight} answered with the right " +
                          $"article, {answeredWrong} with another, {declined} declined; of {unanswerable.Count} unanswerable questions {unanswerable.Count - wronglyAnswered} declined.");
    }

    // ArticleSearch.AnswerThreshold: the benchmark talks to the service over HTTP only.
    private const double AnswerThreshold = 0.4;

    private static async Task<List<Hit>> OmniAsync(HttpClient http, Labelled q)
    {
        var result = await http.GetFromJsonAsync<JsonElement>($"/api/v1/articles/search?q={Uri.EscapeDataString(q.Query)}&lang={q.Language}&pageSize=10");
        return result.GetProperty("items").EnumerateArray()
            .Select(i => new Hit(i.GetProperty("slug").GetString()!, i.GetProperty("confidence").GetDouble())).ToList();
    }

    /// <summary>The textbook search: every word must match (websearch_to_tsquery), ordered by ts_rank, published articles.</summary>
    private static async Task<List<string>> PlainTsRankAsync(NpgsqlDataSource sql, string language, string query)
    {
        await using var command = sql.CreateCommand("""
            SELECT "Slug" FROM articles, websearch_to_tsquery(knowledge_search_config($1), $2) AS q
            WHERE "Language" = $1 AND "Status" = 'Published' AND "SearchVector" @@ q
            ORDER BY ts_rank("SearchVector", q) DESC LIMIT 10
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = language });
        command.Parameters.Add(new NpgsqlParameter { Value = query });
        var slugs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) slugs.Add(reader.GetString(0));
        return slugs;
    }

    /// <summary>Graded nDCG@10 with gains 2^grade − 1.</summary>
    private static double Ndcg(List<string> ranked, Dictionary<string, int> relevant)
    {
        double dcg = 0, ideal = 0;
        for (var i = 0; i < Math.Min(10, ranked.Count); i++) dcg += (Math.Pow(2, relevant.GetValueOrDefault(ranked[i])) - 1) / Math.Log2(i + 2);
        var grades = relevant.Values.OrderDescending().Take(10).ToList();
        for (var i = 0; i < grades.Count; i++) ideal += (Math.Pow(2, grades[i]) - 1) / Math.Log2(i + 2);
        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static double Recall(List<string> ranked, Dictionary<string, int> relevant) =>
        relevant.Keys.Count(ranked.Take(5).Contains) / (double)relevant.Count;

    private sealed record IndexFigures(int Articles, TimeSpan Load, TimeSpan GinBuild, TimeSpan Vocabulary, long Words, string GinSize);

    private static async Task<IndexFigures> LoadAsync(NpgsqlDataSource sql, int count, string helpCentre)
    {
        Console.WriteLine($"Loading {count:N0} generated articles…");
        var load = Stopwatch.StartNew();
        const int batch = 5_000;
        foreach (var chunk in GeneratedArticles.Create(count, helpCentre).Chunk(batch))
        {
            await using var command = sql.CreateCommand("""
                INSERT INTO articles ("Id", "Language", "Slug", "TranslationKey", "Title", "Body", "PlainText", "Tags", "Status", "Version", "CreatedAt", "UpdatedAt")
                SELECT gen_random_uuid(), l, s, s, t, b, b, string_to_array(g, ','), CASE WHEN p THEN 'Published' ELSE 'Draft' END, 1, now(), now()
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[]) AS x(l, s, t, b, g, p)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => a.Language).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => a.Slug).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => a.Title).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => a.Body).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => string.Join(',', a.Tags)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(a => a.Published).ToArray() });
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }
        load.Stop();

        // Every index search reads, built again from scratch: full text and headings per language, titles' trigrams.
        var gin = Stopwatch.StartNew();
        foreach (var index in new[] { "IX_articles_SearchVector_nl", "IX_articles_SearchVector_en", "IX_articles_HeadingVector_nl", "IX_articles_HeadingVector_en", "IX_articles_Title_trgm" })
        {
            await Execute(sql, $"REINDEX INDEX \"{index}\"");
        }
        gin.Stop();
        var vocabulary = Stopwatch.StartNew();
        foreach (var language in new[] { "nl", "en" })
        {
            // The statement SearchVocabulary.RebuildAsync runs after an import.
            await Execute(sql, $$"""
                DELETE FROM search_terms WHERE "Language" = '{{language}}';
                INSERT INTO search_terms ("Language", "Word", "Lexemes", "Documents")
                SELECT '{{language}}', word, array_to_string(tsvector_to_array(to_tsvector(knowledge_search_config('{{language}}'), word)), ' '), ndoc
                FROM ts_stat($q$SELECT to_tsvector('simple', "Title" || ' ' || knowledge_tags_text("Tags") || ' ' || "PlainText")
                               FROM articles WHERE "Language" = '{{language}}' AND "Status" = 'Published'$q$)
                WHERE length(word) BETWEEN 2 AND 100 AND word ~ '^[[:alpha:]][[:alpha:]''-]*$';
                """);
        }
        vocabulary.Stop();
        await Execute(sql, "ANALYZE articles; ANALYZE search_terms;");
        var words = (long)(await sql.CreateCommand("SELECT count(*) FROM search_terms").ExecuteScalarAsync())!;
        var size = (string)(await sql.CreateCommand("""
            SELECT pg_size_pretty(sum(pg_relation_size(c.oid))) FROM pg_class c
            WHERE c.relname IN ('IX_articles_SearchVector_nl', 'IX_articles_SearchVector_en', 'IX_articles_HeadingVector_nl', 'IX_articles_HeadingVector_en', 'IX_articles_Title_trgm')
            """).ExecuteScalarAsync())!;
        return new IndexFigures(count, load.Elapsed, gin.Elapsed, vocabulary.Elapsed, words, size);
    }

    private static async Task Execute(NpgsqlDataSource sql, string statement)
    {
        await using var command = sql.CreateCommand(statement);
        command.CommandTimeout = 1200;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The labelled queries, and as many generated ones: two or three words of the help centre, a third with a typo.</summary>
    private static List<(string Language, string Query)> Queries(List<Labelled> labelled, string helpCentre)
    {
        var random = new Random(7);
        var queries = labelled.Select(l => (l.Language, l.Query)).ToList();
        foreach (var language in new[] { "nl", "en" })
        {
            var words = Directory.EnumerateFiles(Path.Combine(helpCentre, language), "*.md")
                .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f).ToLowerInvariant(), @"\p{L}{4,}").Select(m => m.Value))
                .Distinct().ToArray();
            for (var i = 0; i < labelled.Count / 2; i++)
            {
                var picked = Enumerable.Range(0, random.Next(2, 4)).Select(_ => words[random.Next(words.Length)]).ToArray();
                if (random.Next(3) == 0)
                {
                    var w = picked[0];
                    var at = random.Next(1, w.Length - 1);
                    picked[0] = w[..at] + w[at + 1] + w[at] + w[(at + 2)..]; // two letters swapped
                }
                queries.Add((language, string.Join(' ', picked)));
            }
        }
        return queries;
    }

    private static List<Labelled> ReadLabelled(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("language\t", StringComparison.Ordinal))
            .Select(l => l.Split('\t'))
            .Select(p => new Labelled(p[0], p[1], p[2] == "-"
                ? []
                : p[2].Split(',').Select(r => r.Split(':')).ToDictionary(r => r[0], r => int.Parse(r[1], CultureInfo.InvariantCulture))))
            .ToList();

    private static async Task<(Process Service, Uri Address)> StartKnowledgeAsync(string root, string database, string bus)
    {
        var (http, grpc) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(root, "services/Knowledge"), "-c", "Release", "--no-launch-profile"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__knowledge-db"] = database;
        start.Environment["ConnectionStrings__bus"] = bus;
        start.Environment["Knowledge__SeedHelpCentre"] = "true";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{http}";
        start.Environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpc}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"knowledge: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = new Uri($"http://127.0.0.1:{http}");
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The knowledge service stopped ({process.ExitCode}).");
            try
            {
                if ((await probe.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return (process, address);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The knowledge service did not become healthy.");
            await Task.Delay(500);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Omni.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
