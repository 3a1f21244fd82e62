using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using Omni.Testing;

namespace Omni.Benchmarks.Wire;

/// <summary>
/// The inbound wire end to end: customers' messages delivered through the gateway at fixed rates — posted to
/// <c>POST /api/v1/messages</c> (<c>--via api</c>) or as Twilio's signed SMS webhooks (<c>--via twilio-sms</c>, each
/// signed over the gateway's URL with the number's auth token, as Twilio's RequestValidator checks it). For each: the
/// acknowledgement latency (gateway → channel → PostgreSQL → answer), and the time until routing attached it to a
/// conversation (channel's ReceivedAt to routing's AttachedAt, read from the two databases); plus, counted from the
/// databases, messages acknowledged but never stored or attached (lost) and stored or attached more than once (doubled).
/// Baseline, measured in the same run at the same rate: an agent reading one message back through the gateway (before the
/// load, and at a tenth of the rate alongside it, which shows how busy the load keeps the machine).
/// With <c>--identity-down</c> identity is stopped while each load runs and started again after it: the acknowledgement
/// then costs only what the provider's call itself costs (nothing downstream runs: senders cannot be resolved), and the
/// drain afterwards shows that every message acknowledged while identity was away still reaches routing, once.
/// </summary>
internal static class WireBenchmark
{
    private const int Customers = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var rates = Option(args, "--rates", "100,200,400").Split(',').Select(int.Parse).ToArray();
        var seconds = int.Parse(Option(args, "--seconds", "15"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup", "20"), CultureInfo.InvariantCulture);
        var via = Option(args, "--via", "api");
        var identityDown = args.Contains("--identity-down");
        if (via is not ("api" or "twilio-sms"))
        {
            Console.Error.WriteLine("--via: api or twilio-sms");
            return 2;
        }

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
        var agent = await SignInAsync(http, host);

        await using IInboundSource source = via == "twilio-sms"
            ? await TwilioSmsSource.CreateAsync(http, agent, Customers)
            : new ApiSource(http, Customers);

        // YARP and the JIT need a while under load before they settle.
        Console.WriteLine($"Warming up for {warmup} s ({source.Description})…");
        var warmRun = NewRun();
        var warm = await OpenLoopLoad.RunAsync(Math.Min(100, rates.Min()), TimeSpan.FromSeconds(warmup), n => source.SendAsync(warmRun, n));
        // Measured runs start on a quiet system: what the warm-up set off (routing, the bot's answers) is done first.
        await DrainAsync(channelDb, routingDb, source.ExternalIdPattern(warmRun), warm.Sent - warm.Failed);
        await QuietAsync(channelDb);
        var probe = await http.PostAsJsonAsync("/api/v1/messages", new
        {
            channel = "api", from = new { kind = "email", address = "probe@example.nl" }, text = "Probe", externalId = "probe-" + NewRun(),
        });
        var probeId = (await probe.Content.ReadFromJsonAsync<IdOnly>())!.Id;

        var rows = new List<string>();
        var sustained = 0;
        foreach (var rate in rates)
        {
            Console.WriteLine($"{rate}/s: baseline for {seconds} s…");
            async Task<bool> ReadBackAsync(int _)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/messages/{probeId}");
                request.Headers.Authorization = agent;
                using var response = await http.SendAsync(request);
                return response.StatusCode == HttpStatusCode.OK;
            }
            var baseline = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), ReadBackAsync);

            Console.WriteLine($"{rate}/s: {source.Description} for {seconds} s…");
            var run = NewRun();
            // The same read, a tenth as often, while the load runs: how long anything takes on the machine the load keeps busy.
            if (identityDown) await StopIdentityAsync(app);
            var during = OpenLoopLoad.RunAsync(Math.Max(10, rate / 10), TimeSpan.FromSeconds(seconds), ReadBackAsync);
            var load = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), n => source.SendAsync(run, n));
            var loadEnded = DateTimeOffset.UtcNow;
            var concurrent = (await during).Latencies.Summarize();
            // Messages waiting for identity are retried with growing pauses (at most 30 s), so the drain may pause as long.
            if (identityDown) await StartIdentityAsync(app);
            var counts = await DrainAsync(channelDb, routingDb, source.ExternalIdPattern(run), load.Sent - load.Failed,
                identityDown ? TimeSpan.FromSeconds(90) : TimeSpan.FromSeconds(30));
            await QuietAsync(channelDb);

            var ack = load.Latencies.Summarize();
            var reference = baseline.Latencies.Summarize();
            var e2e = counts.EndToEnd.Summarize();
            var achieved = counts.Attached / (counts.LastAttached - (loadEnded - load.Elapsed)).TotalSeconds;
            var lost = load.Sent - load.Failed - counts.Attached;
            // With identity down nothing can be attached until it is back: there the acknowledgement and the counts decide.
            var keptUp = load.Failed == 0 && baseline.Failed == 0 && counts.Stored == load.Sent && lost == 0 && counts.Doubled == 0
                         && (identityDown || counts.LastAttached - loadEnded < TimeSpan.FromSeconds(5));
            if (keptUp) sustained = Math.Max(sustained, rate);
            rows.Add($"| {rate} | {achieved:F0} | {ack.P50:F1} | {ack.P90:F1} | {ack.P99:F1} | {ack.Max:F0} | {reference.P50:F1} | {reference.P99:F1} | " +
                     $"{ack.P50 / reference.P50:F2}× / {ack.P99 / reference.P99:F2}× | {concurrent.P50:F1} | {concurrent.P99:F1} | {e2e.P50:F1} | {e2e.P99:F1} | {load.Sent} | {load.Failed} | " +
                     $"{counts.Stored} | {counts.Attached} | {lost} | {counts.Doubled} | {(keptUp ? "yes" : "no")} |");
            Console.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        if (identityDown) Console.WriteLine("Identity was stopped during each load and started after it: received→attached includes that outage.");
        Console.WriteLine($"Inbound wire via {source.Description}, {seconds} s per rate, {Environment.ProcessorCount} cores, everything on this machine (times in ms)");
        Console.WriteLine();
        Console.WriteLine("| offered msg/s | attached msg/s | ack p50 | ack p90 | ack p99 | ack max | baseline p50 | baseline p99 | ack ÷ baseline (p50 / p99) | " +
                          "baseline during the load p50 | p99 | received→attached p50 | p99 | sent | failed | stored | attached | lost | doubled | kept up |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(identityDown
            ? $"Acknowledged without loss: {sustained} msg/s (highest offered rate with nothing failed, lost or doubled once identity was back)"
            : $"Sustained: {sustained} msg/s (highest offered rate with nothing failed, lost or doubled and routing done within 5 s of the last one)");
        Console.WriteLine($"ack: {source.Description} until its answer. Baseline: an agent's GET of one stored message through the gateway at the same rate, " +
                          "before the load; during the load: the same GET at a tenth of the rate, alongside it.");
        Console.WriteLine("received→attached: the channel's ReceivedAt (when the message was stored) to routing's AttachedAt, from the two databases.");
        return 0;
    }

    private sealed record IdOnly(Guid Id);

    private sealed record TokenResponse(string AccessToken);

    private static string NewRun() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>The bootstrap admin's bearer token (its password is where <c>./omni up</c> puts it: the data folder's secrets).</summary>
    private static async Task<AuthenticationHeaderValue> SignInAsync(HttpClient http, RunningAppHost host)
    {
        var password = (await File.ReadAllTextAsync(Path.Combine(host.DataPath, "secrets", "identity-admin-password"))).Trim();
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@omni.local", password });
        response.EnsureSuccessStatusCode();
        return new AuthenticationHeaderValue("Bearer", (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken);
    }

    private sealed record Counts(int Stored, int Attached, int Doubled, LatencyRecorder EndToEnd, DateTimeOffset LastAttached);

    /// <summary>Waits until routing has attached every acknowledged message of the run (or stops moving), then reads the latencies.</summary>
    private static async Task StopIdentityAsync(DistributedApplication app)
    {
        var watch = Stopwatch.StartNew();
        var result = await app.ResourceCommands.ExecuteCommandAsync("identity", KnownResourceCommands.StopCommand);
        // The orchestrator gives up waiting after a few seconds while identity may still be finishing its shutdown.
        if (!result.Success) Console.WriteLine($"identity: {result.Message}; waiting for it to stop");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await app.ResourceNotifications.WaitForResourceAsync("identity", KnownResourceStates.TerminalStates, timeout.Token);
        Console.WriteLine($"identity stopped after {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task StartIdentityAsync(DistributedApplication app)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync("identity", KnownResourceCommands.StartCommand);
        if (!result.Success) throw new InvalidOperationException($"Could not start identity: {result.Message}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync("identity");
        Console.WriteLine("identity started again");
    }

    private static async Task<Counts> DrainAsync(string channelDb, string routingDb, string externalIdPattern, int expected, TimeSpan? patience = null)
    {
        var received = new Dictionary<Guid, DateTimeOffset>();
        var attached = new Dictionary<Guid, DateTimeOffset>();
        var idle = Stopwatch.StartNew();
        var last = -1;
        while (idle.Elapsed < (patience ?? TimeSpan.FromSeconds(30)))
        {
            received = await ReadAsync(channelDb, "SELECT \"Id\", \"ReceivedAt\" FROM messages WHERE \"ExternalId\" LIKE $1", externalIdPattern);
            attached = await ReadAsync(routingDb,
                "SELECT \"MessageId\", \"AttachedAt\" FROM conversation_messages WHERE \"MessageId\" = ANY($1)", received.Keys.ToArray());
            if (attached.Count >= expected && received.Count >= expected) break;
            if (attached.Count != last) { last = attached.Count; idle.Restart(); }
            await Task.Delay(250);
        }

        // Each database's own count of rows beyond one per provider id (channel) and per message (routing).
        var doubled = await CountAsync(channelDb, "SELECT count(*) - count(DISTINCT \"ExternalId\") FROM messages WHERE \"ExternalId\" LIKE $1", externalIdPattern)
                      + await CountAsync(routingDb, "SELECT count(*) - count(DISTINCT \"MessageId\") FROM conversation_messages WHERE \"MessageId\" = ANY($1)",
                          received.Keys.ToArray());

        var endToEnd = new LatencyRecorder();
        foreach (var (id, at) in attached) endToEnd.Add(at - received[id]);
        return new Counts(received.Count, attached.Count, (int)doubled, endToEnd, attached.Count == 0 ? DateTimeOffset.UtcNow : attached.Values.Max());
    }

    /// <summary>Waits (up to 5 minutes) until the channel has nothing left to resolve or to send: the bot's answers and notices are out.</summary>
    private static async Task QuietAsync(string channelDb)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(5)
               && await CountAsync(channelDb, "SELECT (SELECT count(*) FROM inbound_work) + (SELECT count(*) FROM outbound_work) + $1", 0L) > 0)
        {
            await Task.Delay(500);
        }
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

    private static async Task<long> CountAsync(string connectionString, string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
