namespace Omni.Benchmarks.Wire;

/// <summary>Collects latencies of one phase and reports percentiles (nearest-rank).</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];
    private readonly Lock _gate = new();

    public int Count { get { lock (_gate) return _milliseconds.Count; } }

    public void Add(TimeSpan latency)
    {
        lock (_gate) _milliseconds.Add(latency.TotalMilliseconds);
    }

    public Summary Summarize()
    {
        double[] sorted;
        lock (_gate) sorted = [.. _milliseconds.Order()];
        if (sorted.Length == 0) return new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Summary(sorted.Length, At(0.50), At(0.90), At(0.99), sorted[^1]);
    }

    /// <summary>The latency at quantile <paramref name="p"/> (0..1), nearest-rank; NaN when nothing was recorded.</summary>
    public double Percentile(double p)
    {
        double[] sorted;
        lock (_gate) sorted = [.. _milliseconds.Order()];
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public sealed record Summary(int Count, double P50, double P90, double P99, double Max);
}
