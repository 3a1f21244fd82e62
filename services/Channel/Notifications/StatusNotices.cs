using Omni.Contracts.Routing;

namespace Omni.Channel.Notifications;

/// <summary>
/// Decides whether a status change is worth telling the customer, and in what words (Dutch or English).
/// Worth it: a new state; in the queue, moving up by at least <see cref="MinPositionGain"/> places or a wait that
/// changed by half and at least two minutes, and then not more often than every <see cref="QueueUpdateInterval"/>.
/// A long wait offers a call-back or a reply by message instead of waiting.
/// </summary>
public static class StatusNotices
{
    public const int MinPositionGain = 3;
    public static readonly TimeSpan QueueUpdateInterval = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan LongWait = TimeSpan.FromMinutes(10);

    public static bool IsMeaningful(ConversationNotice? last, StatusChanged status)
    {
        if (last is null || last.State != status.State) return true;
        if (status.State != "queued") return false;
        if (status.At - last.LastToldAt < QueueUpdateInterval) return false;
        var movedUp = last.Position is { } before && status.Position is { } now && before - now >= MinPositionGain;
        var waitChanged = last.EstimatedWaitSeconds is { } was && status.EstimatedWaitSeconds is { } @is
            && Math.Abs(@is - was) >= 120 && Math.Abs(@is - was) >= was / 2;
        return movedUp || waitChanged;
    }

    /// <summary>The words for a status, or null when a state has nothing to tell (resolved and closed say their own goodbye).</summary>
    public static string? Text(StatusChanged status, string language)
    {
        var dutch = language == "nl";
        var wait = status.EstimatedWaitSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return status.State switch
        {
            "new" => dutch
                ? "Bedankt voor je bericht! We hebben het ontvangen en een medewerker helpt je zo snel mogelijk."
                : "Thanks for your message! We have received it and someone will help you as soon as possible.",
            "queued" => Queued(status.Position, wait, dutch),
            "assigned" => status.AgentFirstName is { Length: > 0 } name
                ? dutch ? $"{name} helpt je nu verder." : $"{name} is now helping you."
                : dutch ? "Een medewerker helpt je nu verder." : "Someone is now helping you.",
            _ => null,
        };
    }

    private static string Queued(int? position, TimeSpan? wait, bool dutch)
    {
        var where = position is { } p
            ? dutch ? $"Je bent nummer {p} in de wachtrij" : $"You are number {p} in the queue"
            : dutch ? "Je staat in de wachtrij" : "You are in the queue";
        var howLong = wait is { } w
            ? dutch ? $", de verwachte wachttijd is ongeveer {Minutes(w)} minuten." : $"; the expected wait is about {Minutes(w)} minutes."
            : ".";
        var offer = wait is { } longWait && longWait >= LongWait
            ? dutch
                ? " Liever niet wachten? Antwoord met \"terugbellen\" en we bellen je terug, of laat je vraag achter en we sturen je een bericht."
                : " Rather not wait? Reply \"call back\" and we will call you, or leave your question and we will message you."
            : "";
        return where + howLong + offer;
    }

    private static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Round(wait.TotalMinutes));
}
