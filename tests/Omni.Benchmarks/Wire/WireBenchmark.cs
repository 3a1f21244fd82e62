using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using Omni.Testing;

namespace Omni.Benchmarks.Wire;

/// <summary>
/// The inbound wire end to end: messages posted through the gateway at fixed rates; for each, the acknowledgement
/// latency (gateway → channel → PostgreSQL) and the time until routing attached it to a conversation
/// (channel's ReceivedAt to routing's AttachedAt, read from the two databases), plus lost and doubled counts.
/// Baseline, measured in the same run at the same rate: reading one message back through the gateway.
/// </summary>
internal static class WireBenchmark
{
    private const int Customers = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var rates = Option(args, "--rates", "100,200,400").Split(',').Select(int.Parse).ToArray();
        var seconds = int.Parse(Option(args, "--seconds", "15"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup", "20"), CultureInfo.InvariantCulture);

        Console.WriteLine($"Starting Omni (AppHost, {Environment.ProcessorCount} cores)…");
        var started = Stopwatch.StartNew();
        await using var host = await RunningAppHost.StartAsync(infrastructureOnly: false, CancellationToken.None);
        var app = host.App;
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway");
        Console.WriteLine($"All resources healthy after {started.Elapsed.TotalSeconds:F1} s");

        var gateway = app.CreateHttpClient("gateway");
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var channelDb = (await app.GetConnectionStringAsync("channel-db"))!;
        var routingDb = (await app.GetConnectionStringAsync("routing-db"))!;

        // YARP and the JIT need a while under load before they settle.
        Console.WriteLine($"Warming up for {warmup} s…");
        var warm = Guid.NewGuid().ToString("N")[..8];
        await OpenLoopLoad.RunAsync(100, TimeSpan.FromSeconds(warmup), n => PostAsync(http, warm, n));
        var probe = await http.PostAsJsonAsync("/api/v1/messages", Message("probe", 0));
        var probeId = (await probe.Content.ReadFromJsonAsync<IdOnly>())!.Id;

        var rows = new List<string>();
        var sustained = 0;
        foreach (var rate in rates)
        {
            var baseline = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), async _ =>
                (await http.GetAsync($"/api/v1/messages/{probeId}")).StatusCode == HttpStatusCode.OK);

            var run = Guid.NewGuid().ToString("N")[..8];
            var load = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), n => PostAsync(http, run, n));
            var loadEnded = DateTimeOffset.UtcNow;
            var (stored, attached, endToEnd, lastAttached) = await DrainAsync(channelDb, routingDb, run, load.Sent - load.Failed);

            var ack = load.Latencies.Summarize();
            var reference = baseline.Latencies.Summarize();
            var e2e = endToEnd.Summarize();
            var achieved = attached / (lastAttached - (loadEnded - load.Elapsed)).TotalSeconds;
            var keptUp = load.Failed == 0 && stored == load.Sent && attached == stored && lastAttached - loadEnded < TimeSpan.FromSeconds(5);
            if (keptUp) sustained = Math.Max(sustained, rate);
            rows.Add($"| {rate} | {achieved:F0} | {ack.P50:F1} | {ack.P90:F1} | {ack.P99:F1} | {ack.Max:F0} | {reference.P50:F1} | {reference.P99:F1} | " +
                     $"{ack.P50 / reference.P50:F2}× / {ack.P99 / reference.P99:F2}× | {e2e.P50:F1} | {e2e.P99:F1} | {load.Sent} | {load.Failed} | {stored} | {attached} | {stored - attached} | {(keptUp ? "yes" : "no")} |");
            Console.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        Console.WriteLine($"Inbound wire, {seconds} s per rate, {Environment.ProcessorCount} cores, everything on this machine (times in ms)");
        Console.WriteLine();
        Console.WriteLine("| offered msg/s | attached msg/s | ack p50 | ack p90 | ack p99 | ack max | baseline p50 | baseline p99 | ack ÷ baseline (p50 / p99) | webhook→routing p50 | p99 | sent | failed | stored | attached | lost | kept up |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"Sustained: {sustained} msg/s (highest offered rate with nothing failed or lost and routing done within 5 s of the last post)");
        Console.WriteLine("Baseline: GET of one stored message through the gateway at the same rate. ack: POST /api/v1/messages to 202.");
        return 0;
    }

    private sealed record IdOnly(Guid Id);

    private static object Message(string run, int n) => new
    {
        channel = "api",
        from = new { kind = "email", address = $"bench.{run}.{n % Customers}@example.nl" },
        text = $"Message {n}: where is my order?",
        externalId = $"{run}-{n}",
    };

    private static async Task<bool> PostAsync(HttpClient http, string run, int n)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/messages", Message(run, n));
        return response.StatusCode == HttpStatusCode.Accepted;
    }

    /// <summary>Waits until routing has attached every stored message of the run (or stops moving), then reads the latencies.</summary>
    private static async Task<(int Stored, int Attached, LatencyRecorder EndToEnd, DateTimeOffset LastAttached)> DrainAsync(
        string channelDb, string routingDb, string run, int expected)
    {
        var received = new Dictionary<Guid, DateTimeOffset>();
        var attached = new Dictionary<Guid, DateTimeOffset>();
        var idle = Stopwatch.StartNew();
        var last = -1;
        while (idle.Elapsed < TimeSpan.FromSeconds(30))
        {
            received = await ReadAsync(channelDb,
                "SELECT \"Id\", \"ReceivedAt\" FROM messages WHERE \"ExternalId\" LIKE $1", $"{run}-%");
            attached = await ReadAsync(routingDb,
                "SELECT \"MessageId\", \"AttachedAt\" FROM conversation_messages WHERE \"MessageId\" = ANY($1)", received.Keys.ToArray());
            if (attached.Count >= expected && received.Count >= expected) break;
            if (attached.Count != last) { last = attached.Count; idle.Restart(); }
            await Task.Delay(250);
        }

        var endToEnd = new LatencyRecorder();
        foreach (var (id, at) in attached) endToEnd.Add(at - received[id]);
        return (received.Count, attached.Count, endToEnd, attached.Count == 0 ? DateTimeOffset.UtcNow : attached.Values.Max());
    }

    private static async Task<Dictionary<Guid, DateTimeOffset>> ReadAsync(string connectionString, string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, DateTimeOffset>();
        while (await reader.ReadAsync()) rows[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return rows;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
