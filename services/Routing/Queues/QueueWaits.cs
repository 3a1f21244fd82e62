using Microsoft.Extensions.Options;
using Omni.Routing.Assignment;

namespace Omni.Routing.Queues;

/// <summary>
/// The wait estimator of this routing instance, fed with every acceptance (how long the line took) and every
/// resolution (how long handling took). It learns from what this instance saw; a restarted instance starts from the
/// configured handle time and catches up within the estimator's window.
/// </summary>
public sealed class QueueWaits(RoutingPolicy policy, IOptions<RoutingOptions> options)
{
    public WaitEstimator Estimator { get; } = new(policy, new WaitEstimatorOptions { DefaultHandleTime = options.Value.DefaultHandleTime });
}
