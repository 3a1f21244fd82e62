using System.Diagnostics.Metrics;

namespace Omni.Routing;

/// <summary>Routing's instruments (meter <c>Omni.Routing</c>), shown on the dashboard beside traces and logs.</summary>
public sealed class RoutingMetrics
{
    public const string MeterName = "Omni.Routing";

    private readonly Counter<long> _opened;
    private readonly Counter<long> _repeatContacts;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _offered;
    private readonly Counter<long> _offersLapsed;
    private readonly Counter<long> _assigned;
    private readonly Counter<long> _resolved;
    private readonly Counter<long> _slaBreached;
    private readonly Histogram<double> _waited;
    private readonly Histogram<double> _cycle;

    public RoutingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _opened = meter.CreateCounter<long>("omni.routing.conversations.opened", description: "Conversations opened.");
        _repeatContacts = meter.CreateCounter<long>("omni.routing.conversations.repeat_contacts", description: "Conversations that reopen one resolved within the reopen window.");
        _queued = meter.CreateCounter<long>("omni.routing.conversations.queued", description: "Conversations entering a queue.");
        _offered = meter.CreateCounter<long>("omni.routing.offers", description: "Offers made to agents.");
        _offersLapsed = meter.CreateCounter<long>("omni.routing.offers.lapsed", description: "Offers declined or not accepted in time.");
        _assigned = meter.CreateCounter<long>("omni.routing.conversations.assigned", description: "Conversations an agent accepted.");
        _resolved = meter.CreateCounter<long>("omni.routing.conversations.resolved", description: "Conversations resolved.");
        _slaBreached = meter.CreateCounter<long>("omni.routing.sla.breached", description: "First responses later than the queue's target.");
        _waited = meter.CreateHistogram<double>("omni.routing.wait", unit: "s", description: "Time from entering a queue to an agent accepting.");
        _cycle = meter.CreateHistogram<double>("omni.routing.router.cycle", unit: "ms", description: "Duration of one router pass.");
    }

    public void Opened(string channel, bool repeat)
    {
        _opened.Add(1, new KeyValuePair<string, object?>("channel", channel));
        if (repeat) _repeatContacts.Add(1, new KeyValuePair<string, object?>("channel", channel));
    }

    public void Queued(string queue) => _queued.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public void Offered(int count) => _offered.Add(count);

    public void OfferLapsed(string why) => _offersLapsed.Add(1, new KeyValuePair<string, object?>("why", why));

    public void Assigned(TimeSpan waited)
    {
        _assigned.Add(1);
        _waited.Record(waited.TotalSeconds);
    }

    public void Resolved() => _resolved.Add(1);

    public void SlaBreached(string queue) => _slaBreached.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public void RouterCycle(TimeSpan duration) => _cycle.Record(duration.TotalMilliseconds);
}
