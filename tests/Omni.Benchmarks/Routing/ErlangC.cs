namespace Omni.Benchmarks.Routing;

/// <summary>The M/M/c queue in closed form: Poisson arrivals, exponential handle times, c identical agents, first come first served, nobody hangs up.</summary>
internal static class ErlangC
{
    public sealed record Figures(double ProbabilityOfWaiting, double MeanWaitSeconds, double ServiceLevel);

    /// <param name="agents">c</param>
    /// <param name="arrivalsPerSecond">λ</param>
    /// <param name="handleSeconds">1/μ</param>
    /// <param name="threshold">The service-level threshold (answered within).</param>
    public static Figures Compute(int agents, double arrivalsPerSecond, double handleSeconds, TimeSpan threshold)
    {
        var traffic = arrivalsPerSecond * handleSeconds;     // A, in erlangs
        if (traffic >= agents) return new Figures(1, double.PositiveInfinity, 0);
        // Erlang B by its stable recursion, then C from B.
        var b = 1.0;
        for (var k = 1; k <= agents; k++) b = traffic * b / (k + traffic * b);
        var c = agents * b / (agents - traffic * (1 - b));
        var drain = agents / handleSeconds - arrivalsPerSecond;   // cμ − λ
        return new Figures(c, c / drain, 1 - c * Math.Exp(-drain * threshold.TotalSeconds));
    }
}
