namespace Omni.Routing.Queues;

/// <summary>Routing's settings (section <c>Routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>How long an agent has to accept an offer before it goes to the next agent.</summary>
    public TimeSpan OfferTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A customer who comes back within this long after a resolution reopens it (a repeat contact).</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The channels on which the knowledge bot answers first; everywhere else a conversation is queued at once.</summary>
    public List<string> BotChannels { get; set; } = ["web", "whatsapp", "sms", "partner"];

    /// <summary>A customer's message the bot has not answered within this long goes to a person: the bot never holds anyone up.</summary>
    public TimeSpan BotAnswerTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the router looks again when nothing woke it (lapsed offers, bullseye steps, wait estimates).</summary>
    public TimeSpan RouterInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An SLA is "at risk" when less than this share of its target is left.</summary>
    public double SlaAtRiskShare { get; set; } = 0.2;

    /// <summary>Capacity units per channel kind (a voice call takes a whole agent of 100).</summary>
    public Dictionary<string, int> Weights { get; set; } = [];

    /// <summary>Handle time assumed per conversation before any has been measured, for wait estimates.</summary>
    public TimeSpan DefaultHandleTime { get; set; } = TimeSpan.FromMinutes(5);
}
