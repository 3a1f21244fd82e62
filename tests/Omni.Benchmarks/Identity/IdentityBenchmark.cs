using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;
using Omni.Benchmarks.Wire;
using Omni.Identity.Grpc;
using Omni.Testing;

namespace Omni.Benchmarks.Identity;

/// <summary>
/// Identity's resolve over gRPC with a large population stored (default one million identities), at a fixed rate;
/// baseline in the same run and at the same rate: the gRPC health check on the same endpoint. Then the resolution
/// quality on <see cref="NoisyIdentities"/>: pairwise precision and recall against the ground truth.
/// </summary>
internal static class IdentityBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var identities = int.Parse(Option(args, "--identities", "1000000"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Option(args, "--rate", "2000"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds", "20"), CultureInfo.InvariantCulture);
        var people = int.Parse(Option(args, "--people", "10000"), CultureInfo.InvariantCulture);

        Console.WriteLine("Starting Omni…");
        await using var host = await RunningAppHost.StartAsync(infrastructureOnly: false, CancellationToken.None);
        var app = host.App;
        await app.ResourceNotifications.WaitForResourceHealthyAsync("identity");
        var database = (await app.GetConnectionStringAsync("identity-db"))!;

        var seeding = Stopwatch.StartNew();
        await SeedAsync(database, identities);
        Console.WriteLine($"Seeded {identities:N0} customers with one identity each in {seeding.Elapsed.TotalSeconds:F1} s");

        using var channel = GrpcChannel.ForAddress(app.GetEndpoint("identity", "grpc"), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var identity = new IdentityApi.IdentityApiClient(channel);
        var health = new Health.HealthClient(channel);

        // Warm up JIT, pools and the index's pages.
        await OpenLoopLoad.RunAsync(Math.Min(rate, 500), TimeSpan.FromSeconds(10), n => ResolveAsync(identity, identities, n, "warm"));

        var baseline = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), async _ =>
            (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving);
        var resolve = await OpenLoopLoad.RunAsync(rate, TimeSpan.FromSeconds(seconds), n => ResolveAsync(identity, identities, n, "run"));

        var b = baseline.Latencies.Summarize();
        var r = resolve.Latencies.Summarize();
        Console.WriteLine();
        Console.WriteLine($"Resolve over gRPC, {identities:N0} identities stored, {rate} requests/s for {seconds} s, {Environment.ProcessorCount} cores (ms)");
        Console.WriteLine();
        Console.WriteLine("| call | sent | failed | achieved/s | p50 | p90 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| health check (baseline) | {baseline.Sent} | {baseline.Failed} | {baseline.Sent / baseline.Elapsed.TotalSeconds:F0} | {b.P50:F2} | {b.P90:F2} | {b.P99:F2} | {b.Max:F1} |");
        Console.WriteLine($"| ResolveCustomer (90 % known, 10 % new) | {resolve.Sent} | {resolve.Failed} | {resolve.Sent / resolve.Elapsed.TotalSeconds:F0} | {r.P50:F2} | {r.P90:F2} | {r.P99:F2} | {r.Max:F1} |");
        Console.WriteLine($"| ratio resolve ÷ baseline | | | | {r.P50 / b.P50:F2}× | {r.P90 / b.P90:F2}× | {r.P99 / b.P99:F2}× | |");

        await MeasureQualityAsync(identity, people);
        return 0;
    }

    private static async Task<bool> ResolveAsync(IdentityApi.IdentityApiClient identity, int identities, int n, string run)
    {
        var known = n % 10 != 0;
        var address = known
            ? $"seed{Random.Shared.Next(1, identities + 1)}@bench.example"
            : $"new.{run}.{n}.{Guid.NewGuid():N}@bench.example";
        var reply = await identity.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = address });
        return reply.Created != known;
    }

    private static async Task SeedAsync(string connectionString, int identities)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Command Timeout=600");
        await connection.OpenAsync();
        var existing = (long)(await new NpgsqlCommand("SELECT count(*) FROM customer_identities WHERE \"Address\" LIKE 'seed%@bench.example'", connection).ExecuteScalarAsync())!;
        if (existing >= identities) return;
        // Ids in the UUIDv7 layout, derived from the row number so identities can point at their customer.
        const string id = "('01900000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid";
        const string identityId = "('01900000-0000-7000-9000-' || lpad(to_hex(g), 12, '0'))::uuid";
        const string emptyJson = "{}";
        await new NpgsqlCommand($"""
            INSERT INTO customers ("Id", "CreatedAt", "LastSeenAt", "Attributes")
            SELECT {id}, now(), now(), '{emptyJson}' FROM generate_series(1, {identities}) g ON CONFLICT DO NOTHING;
            INSERT INTO customer_identities ("Id", "CustomerId", "Kind", "Address", "Verified", "FirstSeenAt", "LastSeenAt")
            SELECT {identityId}, {id}, 'Email', 'seed' || g || '@bench.example', false, now(), now() FROM generate_series(1, {identities}) g ON CONFLICT DO NOTHING;
            ANALYZE customers; ANALYZE customer_identities;
            """, connection).ExecuteNonQueryAsync();
    }

    private static async Task MeasureQualityAsync(IdentityApi.IdentityApiClient identity, int people)
    {
        var observations = NoisyIdentities.Generate(people);
        var predicted = new string[observations.Count];
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, observations.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            try
            {
                var reply = await identity.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = observations[i].Kind, Address = observations[i].Written }, cancellationToken: ct);
                predicted[i] = reply.CustomerId;
            }
            catch (Grpc.Core.RpcException)
            {
                Interlocked.Increment(ref failures);
                predicted[i] = $"unresolved-{i}"; // a cluster of its own
            }
        });

        // Pairwise: two observations of one (kind, person) should meet in one customer; of different people, never.
        static long Pairs(long n) => n * (n - 1) / 2;
        var truth = observations.Select((o, i) => (o.Kind, o.TruePerson, Predicted: predicted[i])).ToList();
        var truePairs = truth.GroupBy(t => (t.Kind, t.TruePerson)).Sum(g => Pairs(g.Count()));
        var predictedPairs = truth.GroupBy(t => (t.Kind, t.Predicted)).Sum(g => Pairs(g.Count()));
        var correctPairs = truth.GroupBy(t => (t.Kind, t.TruePerson, t.Predicted)).Sum(g => Pairs(g.Count()));
        var precision = predictedPairs == 0 ? 1 : correctPairs / (double)predictedPairs;
        var recall = truePairs == 0 ? 1 : correctPairs / (double)truePairs;

        Console.WriteLine();
        Console.WriteLine($"Resolution quality: {people:N0} people, {observations.Count:N0} noisy writings of their phone numbers and e-mail addresses (generator: tests/Omni.Benchmarks/Identity/NoisyIdentities.cs, seed 20261125)");
        Console.WriteLine();
        Console.WriteLine("| pairs that should meet | pairs that met | of which right | precision | recall | writings refused |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| {truePairs:N0} | {predictedPairs:N0} | {correctPairs:N0} | {precision:F4} | {recall:F4} | {failures} |");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
