using System.Diagnostics;

namespace PaymentFunctions.Benchmarks;

/// <summary>Throughput and latency of <c>count</c> operations run by <c>concurrency</c> workers.</summary>
internal sealed record LoadResult(int Concurrency, int Count, double PerSecond, double P50Ms, double P99Ms, int Failures)
{
    public static async Task<LoadResult> RunAsync(int concurrency, int count, Func<int, Task<bool>> operation)
    {
        var latencies = new double[count];
        var next = -1;
        var failures = 0;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await operation(i))
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        });
        await Task.WhenAll(workers);
        total.Stop();
        Array.Sort(latencies);
        return new LoadResult(concurrency, count, count / total.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures);
    }

    /// <summary>The <paramref name="p"/> quantile of <paramref name="sorted"/> (nearest rank; NaN when empty).</summary>
    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
