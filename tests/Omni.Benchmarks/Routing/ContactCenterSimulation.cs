extern alias routing;

using System.Globalization;
using routing::Omni.Routing.Assignment;

namespace Omni.Benchmarks.Routing;

/// <summary>
/// A discrete-event simulation of a contact centre: seeded Poisson arrivals and random handle times, generated once per
/// scenario and replayed identically for each router, which is re-run after every arrival, completion and bullseye step.
/// Scenarios: one queue and one skill (the case Erlang C describes, so the engine can be held against theory), and a
/// multi-skill centre where handle times depend on how well the agent's levels fit what the customer needs.
/// </summary>
internal static class ContactCenterSimulation
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(20);

    private sealed record Queue(Guid Id, SkillRequirement[] Required);

    private sealed record Arrival(int Index, double At, int Queue, string Kind, int Priority, double BaseHandle);

    private sealed record Scenario(
        string Name, (Guid Id, Dictionary<string, int> Skills)[] Agents, Queue[] Queues, Arrival[] Arrivals,
        double WarmupSeconds, double PenaltyPerLevelShort, Func<int, double>? Oracle);

    /// <summary>What happened to each conversation in one run.</summary>
    private sealed class Outcome(int count)
    {
        public double[] Wait { get; } = Fill(count, double.NaN);
        public double[] Handle { get; } = Fill(count, double.NaN);
        public bool[] MetLevels { get; } = new bool[count];
        public bool[] QueuedOnArrival { get; } = new bool[count];
        public double[] Estimate { get; } = Fill(count, double.NaN);
        public double[] LastToEnter { get; } = Fill(count, double.NaN);
        public double[] Oracle { get; } = Fill(count, double.NaN);

        private static double[] Fill(int n, double value)
        {
            var values = new double[n];
            Array.Fill(values, value);
            return values;
        }
    }

    public static void Run(string[] args, int seed)
    {
        var hours = double.Parse(RoutingBenchmark.Option(args, "--sim-hours", "100"), CultureInfo.InvariantCulture);
        // The single-skill case is held against theory, so it runs longer: at 90 % load waits stay correlated for about
        // half an hour, and a 50-hour mean still varies by ±30 % between seeds.
        var erlangHours = double.Parse(RoutingBenchmark.Option(args, "--erlang-hours", "2000"), CultureInfo.InvariantCulture);
        var scenarios = RoutingBenchmark.Option(args, "--scenarios", "single,multi").Split(',');
        var agents = int.Parse(RoutingBenchmark.Option(args, "--sim-agents", "50"), CultureInfo.InvariantCulture);
        var occupancy = double.Parse(RoutingBenchmark.Option(args, "--occupancy", "0.9"), CultureInfo.InvariantCulture);
        var handle = 300.0;
        var lambda = occupancy * agents / handle;
        var erlang = ErlangC.Compute(agents, lambda, handle, Threshold);

        Console.WriteLine();
        Console.WriteLine($"Simulation ({string.Join(", ", scenarios)}): single skill {erlangHours:F0} simulated hours, multi-skill {hours:F0} (first hour not counted), seed {seed}…");
        var rows = new List<string>();
        var estimates = new List<string>();
        foreach (var lognormal in scenarios.Contains("single") ? new[] { false, true } : [])
        {
            var scenario = SingleSkill(agents, lambda, handle, lognormal, erlangHours, seed);
            var omni = Simulate(scenario, Omni, estimate: true);
            var roundRobin = Simulate(scenario, RoundRobin, estimate: false);
            var distribution = lognormal ? "lognormal (CV 1)" : "exponential";
            rows.Add(Row(scenario, $"single skill, {distribution}", "Omni engine", omni, erlang));
            rows.Add(Row(scenario, $"single skill, {distribution}", "round robin", roundRobin, erlang));
            rows.Add($"| single skill, {distribution} | Erlang C (M/M/c{(lognormal ? ", as an approximation" : "")}) | | {erlang.MeanWaitSeconds:F1} | | {erlang.ServiceLevel:P1} | {erlang.ProbabilityOfWaiting:P1} | 1.00 | | |");
            estimates.AddRange(EstimateRows(scenario, $"single skill, {distribution}", omni));
        }

        var multiAgents = int.Parse(RoutingBenchmark.Option(args, "--multi-agents", "150"), CultureInfo.InvariantCulture);
        var multiLoad = double.Parse(RoutingBenchmark.Option(args, "--multi-load", "0.85"), CultureInfo.InvariantCulture);
        foreach (var penalty in scenarios.Contains("multi") ? new[] { 0.10, 0.0 } : [])
        {
            var scenario = MultiSkill(multiAgents, multiLoad, penalty, hours, seed);
            var omni = Simulate(scenario, Omni, estimate: penalty > 0);
            var fasterBullseye = Simulate(scenario, Omni, estimate: false, FasterBullseye);
            var roundRobin = Simulate(scenario, RoundRobin, estimate: false);
            var name = $"multi-skill, {penalty:P0} slower per level short";
            rows.Add(Row(scenario, name, "Omni engine", omni, null));
            rows.Add(Row(scenario, name, "Omni engine, bullseye 10 s → 2, 20 s → 4, 40 s → 9", fasterBullseye, null));
            rows.Add(Row(scenario, name, "round robin", roundRobin, null));
            if (penalty > 0) estimates.AddRange(EstimateRows(scenario, name, omni));
        }

        Console.WriteLine();
        Console.WriteLine($"Mean wait and service level (answered within {Threshold.TotalSeconds:F0} s); in each scenario every router gets the same arrivals and handle times");
        Console.WriteLine();
        Console.WriteLine("| scenario | router | conversations | mean wait s (95 % CI) | p90 wait s | service level | waited at all | mean wait ÷ Erlang C | mean handle s | at the levels asked |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        if (scenarios.Contains("single"))
            Console.WriteLine($"Single skill: {agents} agents, one queue, voice, handle time mean {handle:F0} s, arrivals {lambda * 3600:F0}/h (offered load {occupancy:P0}). " +
                              "Erlang C at these nominal figures; the simulated sample's own rates differ slightly.");
        if (scenarios.Contains("multi"))
            Console.WriteLine($"Multi-skill: {multiAgents} agents, 8 queues (english/dutch × 4 topics, levels asked: language 4, topic 6), voice, " +
                              $"lognormal handle times (mean 300 s, CV 1) × (1 + penalty × levels short of those asked), offered load {multiLoad:P0} at no penalty; 10 % of conversations priority 1.");
        Console.WriteLine("95 % CI: batch means over 20 consecutive batches of arrivals. Round robin: the next agent in turn who is online, free and has the skills at any level.");

        Console.WriteLine();
        Console.WriteLine("Wait-estimate error (Omni runs), over conversations still waiting after the routing pass at their arrival, estimate taken then");
        Console.WriteLine();
        Console.WriteLine("| scenario | estimator | conversations | mean actual wait s | WAPE Σ|est−act| ÷ Σact | bias Σest ÷ Σact − 1 | calibration error (10 bins by estimate) | within ±30 s or ±30 % |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        estimates.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("WAPE: the absolute error of each estimate, summed, over the actual waits summed. Calibration error: the conversations sorted by " +
                          "estimate into 10 equal bins; per bin |mean estimate − mean actual| ÷ mean actual, averaged weighted by conversations — whether " +
                          "'about N s' means N s on average. Last to enter service: each customer is told the wait of the conversation assigned last from " +
                          "the queue (a common display). Exact for M/M/c: position × handle ÷ agents with the true parameters, the best any estimator knowing " +
                          "only the queue can do on average: its WAPE is the noise left in individual waits.");
    }

    private static readonly RoutingPolicy FasterBullseye = new()
    {
        Bullseye = [new(TimeSpan.FromSeconds(10), 2), new(TimeSpan.FromSeconds(20), 4), new(TimeSpan.FromSeconds(40), 9)],
    };

    private static IRouter Omni(AgentState[] agents, AgentPool pool, RoutingPolicy policy) => new OmniRouter(new AssignmentEngine(policy), pool);

    private static IRouter RoundRobin(AgentState[] agents, AgentPool pool, RoutingPolicy policy) => new RoundRobinRouter(policy, agents);

    private static Scenario SingleSkill(int agents, double lambda, double handle, bool lognormal, double hours, int seed)
    {
        var random = new Random(seed);
        var queue = new Queue(RoutingWorkload.NewId(random), [new SkillRequirement("general", 1)]);
        var arrivals = Arrivals(random, lambda, hours, _ => 0, _ => 0,
            () => lognormal ? Lognormal(random, handle, 1.0) : Exponential(random, handle));
        var staff = Enumerable.Range(0, agents).Select(_ => (RoutingWorkload.NewId(random), new Dictionary<string, int> { ["general"] = 5 })).ToArray();
        return new Scenario("single", staff, [queue], arrivals, 3600, 0, position => position * handle / agents);
    }

    private static Scenario MultiSkill(int agents, double load, double penalty, double hours, int seed)
    {
        var random = new Random(seed + 7);
        string[] topics = ["billing", "technical", "orders", "sales"];
        double[] topicDemand = [0.30, 0.30, 0.25, 0.15];
        var queues = new List<Queue>();
        foreach (var language in new[] { "english", "dutch" })
            foreach (var topic in topics)
                queues.Add(new Queue(RoutingWorkload.NewId(random), [new SkillRequirement(language, 4), new SkillRequirement(topic, 6)]));

        var staff = new (Guid, Dictionary<string, int>)[agents];
        for (var i = 0; i < agents; i++)
        {
            // Specialists: a main topic (in proportion to demand) at 6–9, a second topic at 2–5; everyone speaks English, 40 % Dutch.
            var skills = new Dictionary<string, int> { ["english"] = random.Next(3, 10) };
            if (random.NextDouble() < 0.4) skills["dutch"] = random.Next(3, 10);
            var main = Pick(random, topicDemand);
            skills[topics[main]] = random.Next(6, 10);
            var second = (main + random.Next(1, topics.Length)) % topics.Length;
            skills[topics[second]] = random.Next(2, 6);
            staff[i] = (RoutingWorkload.NewId(random), skills);
        }

        const double handle = 300;
        var lambda = load * agents / handle;
        var arrivals = Arrivals(random, lambda, hours,
            _ => (random.NextDouble() < 0.7 ? 0 : topics.Length) + Pick(random, topicDemand),
            _ => random.NextDouble() < 0.1 ? 1 : 0,
            () => Lognormal(random, handle, 1.0));
        return new Scenario("multi", staff, [.. queues], arrivals, 3600, penalty, null);
    }

    private static Arrival[] Arrivals(Random random, double lambda, double hours, Func<int, int> queue, Func<int, int> priority, Func<double> handle)
    {
        var arrivals = new List<Arrival>();
        for (var t = Exponential(random, 1 / lambda); t < hours * 3600; t += Exponential(random, 1 / lambda))
            arrivals.Add(new Arrival(arrivals.Count, t, queue(arrivals.Count), "voice", priority(arrivals.Count), handle()));
        return [.. arrivals];
    }

    private abstract record Event;
    private sealed record Arrived(Arrival Arrival) : Event;
    private sealed record Finished(AssignmentDecision Decision, int Index, double Handle) : Event;
    private sealed record Woken : Event;

    private static Outcome Simulate(Scenario scenario, Func<AgentState[], AgentPool, RoutingPolicy, IRouter> makeRouter, bool estimate, RoutingPolicy? policy = null)
    {
        policy ??= new RoutingPolicy();
        var engine = new AssignmentEngine(policy);
        var agents = scenario.Agents.Select(a => new AgentState { Id = a.Id, Skills = a.Skills, Presence = Presence.Online, IdleSince = Epoch }).ToArray();
        var pool = new AgentPool();
        foreach (var agent in agents) pool.Upsert(agent);
        var router = makeRouter(agents, pool, policy);
        var estimator = new WaitEstimator(policy);
        var outcome = new Outcome(scenario.Arrivals.Length);
        var lastWait = new double[scenario.Queues.Length];
        Array.Fill(lastWait, double.NaN);

        var events = new PriorityQueue<Event, (double, long)>();
        long sequence = 0;
        void Schedule(double at, Event e) => events.Enqueue(e, (at, sequence++));
        foreach (var arrival in scenario.Arrivals) Schedule(arrival.At, new Arrived(arrival));

        var waiting = new List<WaitingConversation>();
        var indexOf = new Dictionary<Guid, int>();
        while (events.TryDequeue(out var next, out var key))
        {
            var (t, _) = key;
            var now = Epoch.AddSeconds(t);
            WaitingConversation? arrived = null;
            switch (next)
            {
                case Arrived { Arrival: var a }:
                    arrived = new WaitingConversation
                    {
                        Id = new Guid(a.Index, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        QueueId = scenario.Queues[a.Queue].Id,
                        Priority = a.Priority,
                        QueuedAt = now,
                        ChannelKind = a.Kind,
                        Required = scenario.Queues[a.Queue].Required,
                    };
                    waiting.Add(arrived);
                    indexOf[arrived.Id] = a.Index;
                    // The bullseye steps change what the conversation may take without any other event.
                    for (var change = engine.NextChangeAt(arrived, now); change is { } at; change = engine.NextChangeAt(arrived, at))
                        Schedule((at - Epoch).TotalSeconds, new Woken());
                    break;
                case Finished f:
                    f.Decision.Agent.Release(f.Decision.Units, now);
                    estimator.RecordHandled(f.Decision.Conversation.QueueId, f.Decision.Conversation.ChannelKind, TimeSpan.FromSeconds(f.Handle), now);
                    break;
            }

            var decisions = router.AssignAll(waiting, now);
            foreach (var decision in decisions)
            {
                var i = indexOf[decision.Conversation.Id];
                var a = scenario.Arrivals[i];
                var wait = t - a.At;
                var shortBy = decision.Conversation.Required.Sum(r => Math.Max(0, r.Level - decision.Agent.LevelOf(r.Skill)));
                var handle = a.BaseHandle * (1 + scenario.PenaltyPerLevelShort * shortBy);
                outcome.Wait[i] = wait;
                outcome.Handle[i] = handle;
                outcome.MetLevels[i] = shortBy == 0;
                lastWait[a.Queue] = wait;
                estimator.RecordAssigned(decision.Conversation.QueueId, TimeSpan.FromSeconds(wait), now);
                Schedule(t + handle, new Finished(decision, i, handle));
            }
            if (decisions.Count > 0) waiting.RemoveAll(c => c.IsClaimed);

            if (arrived is { IsClaimed: false })
            {
                var i = indexOf[arrived.Id];
                outcome.QueuedOnArrival[i] = true;
                outcome.LastToEnter[i] = double.IsNaN(lastWait[scenario.Arrivals[i].Queue]) ? 0 : lastWait[scenario.Arrivals[i].Queue];
                if (estimate)
                {
                    var inQueue = waiting.Where(c => c.QueueId == arrived.QueueId).ToArray();
                    var mine = estimator.Estimate(arrived.QueueId, inQueue, pool, now).First(e => e.ConversationId == arrived.Id);
                    outcome.Estimate[i] = mine.ExpectedWait?.TotalSeconds ?? double.NaN;
                    if (scenario.Oracle is { } oracle) outcome.Oracle[i] = oracle(mine.Position);
                }
            }
        }
        return outcome;
    }

    private static string Row(Scenario scenario, string name, string router, Outcome outcome, ErlangC.Figures? erlang)
    {
        var measured = Measured(scenario).Where(i => !double.IsNaN(outcome.Wait[i])).ToArray();
        var waits = measured.Select(i => outcome.Wait[i]).ToArray();
        var mean = waits.Average();
        var ci = BatchMeansHalfWidth(waits, 20);
        var sorted = waits.Order().ToArray();
        var p90 = sorted[(int)Math.Ceiling(0.9 * sorted.Length) - 1];
        var serviceLevel = waits.Count(w => w <= Threshold.TotalSeconds) / (double)waits.Length;
        var waitedAtAll = waits.Count(w => w > 0) / (double)waits.Length;
        var ratio = erlang is null ? "" : $"{mean / erlang.MeanWaitSeconds:F2}";
        var met = measured.Count(i => outcome.MetLevels[i]) / (double)measured.Length;
        return $"| {name} | {router} | {measured.Length:N0} | {mean:F1} ± {ci:F1} | {p90:F0} | {serviceLevel:P1} | {waitedAtAll:P1} | {ratio} | " +
               $"{measured.Average(i => outcome.Handle[i]):F0} | {met:P1} |";
    }

    private static IEnumerable<string> EstimateRows(Scenario scenario, string name, Outcome outcome)
    {
        var queued = Measured(scenario).Where(i => outcome.QueuedOnArrival[i] && !double.IsNaN(outcome.Wait[i])).ToArray();
        yield return EstimateRow(name, "WaitEstimator (Omni)", queued, outcome, outcome.Estimate);
        yield return EstimateRow(name, "last to enter service (baseline)", queued, outcome, outcome.LastToEnter);
        if (scenario.Oracle is not null) yield return EstimateRow(name, "exact for M/M/c (reference)", queued, outcome, outcome.Oracle);
    }

    private static string EstimateRow(string name, string estimator, int[] queued, Outcome outcome, double[] estimates)
    {
        var known = queued.Where(i => !double.IsNaN(estimates[i])).ToArray();
        var actual = known.Select(i => outcome.Wait[i]).ToArray();
        var guessed = known.Select(i => estimates[i]).ToArray();
        var sumActual = actual.Sum();
        var wape = actual.Zip(guessed, (a, e) => Math.Abs(e - a)).Sum() / sumActual;
        var bias = guessed.Sum() / sumActual - 1;
        var within = actual.Zip(guessed, (a, e) => Math.Abs(e - a) <= Math.Max(30, 0.3 * a)).Count(x => x) / (double)actual.Length;

        // Calibration: 10 equal bins by estimate.
        var byEstimate = known.OrderBy(i => estimates[i]).ToArray();
        var calibration = 0.0;
        var bins = 10;
        for (var b = 0; b < bins; b++)
        {
            var bin = byEstimate[(b * byEstimate.Length / bins)..((b + 1) * byEstimate.Length / bins)];
            if (bin.Length == 0) continue;
            var meanActual = bin.Average(i => outcome.Wait[i]);
            var meanEstimate = bin.Average(i => estimates[i]);
            calibration += Math.Abs(meanEstimate - meanActual) / meanActual * bin.Length;
        }
        calibration /= byEstimate.Length;
        return $"| {name} | {estimator} | {known.Length:N0} | {actual.Average():F1} | {wape:P1} | {bias:+0.0%;-0.0%} | {calibration:P1} | {within:P1} |";
    }

    private static IEnumerable<int> Measured(Scenario scenario) =>
        scenario.Arrivals.Where(a => a.At >= scenario.WarmupSeconds).Select(a => a.Index);

    /// <summary>Half-width of a 95 % confidence interval of the mean, from the means of consecutive batches (waits in a queue are correlated).</summary>
    private static double BatchMeansHalfWidth(double[] values, int batches)
    {
        var size = values.Length / batches;
        var means = Enumerable.Range(0, batches).Select(b => values.Skip(b * size).Take(size).Average()).ToArray();
        var mean = means.Average();
        var variance = means.Sum(m => (m - mean) * (m - mean)) / (batches - 1);
        return 2.093 * Math.Sqrt(variance / batches);   // Student t, 19 degrees of freedom
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static double Lognormal(Random random, double mean, double cv)
    {
        var sigma2 = Math.Log(1 + cv * cv);
        var mu = Math.Log(mean) - sigma2 / 2;
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Exp(mu + Math.Sqrt(sigma2) * z);
    }

    private static int Pick(Random random, double[] shares)
    {
        var roll = random.NextDouble() * shares.Sum();
        for (var i = 0; i < shares.Length; i++)
        {
            if (roll < shares[i]) return i;
            roll -= shares[i];
        }
        return shares.Length - 1;
    }
}
