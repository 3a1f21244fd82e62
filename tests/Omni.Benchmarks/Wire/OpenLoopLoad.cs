using System.Diagnostics;

namespace Omni.Benchmarks.Wire;

/// <summary>
/// Sends requests at a fixed rate whatever the answers do (open loop), and measures each from the moment it was
/// due, so a stall shows up as latency instead of silently lowering the rate (no coordinated omission).
/// </summary>
internal static class OpenLoopLoad
{
    public sealed record Result(LatencyRecorder Latencies, int Sent, int Failed, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(int rate, TimeSpan duration, Func<int, Task<bool>> send, int maxInFlight = 2_000)
    {
        var latencies = new LatencyRecorder();
        var total = (int)(rate * duration.TotalSeconds);
        var failed = 0;
        var inFlight = new List<Task>(total);
        using var gate = new SemaphoreSlim(maxInFlight);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            await gate.WaitAsync();
            var n = i;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var ok = await send(n);
                    if (!ok) Interlocked.Increment(ref failed);
                }
                catch
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    latencies.Add(clock.Elapsed - due);
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(inFlight);
        return new Result(latencies, total, failed, clock.Elapsed);
    }
}
