using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Hosting;

namespace ShadowAgent.Aggregator.Store;

/// <summary>Deletes profiles older than the retention at start and then every hour.</summary>
internal sealed class RetentionPruner(MetadataStore store, AggregatorOptions options, TimeProvider time, ILogger<RetentionPruner> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task<long> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.ProfileRetention;
        var deleted = await store.PruneAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken);
        StoreLog.Pruned(logger, deleted, cutoff);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A failed prune is retried at the next tick; it must not stop the aggregator.
                StoreLog.PruneFailed(logger, exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
