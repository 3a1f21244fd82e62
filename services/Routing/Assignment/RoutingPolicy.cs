namespace Omni.Routing.Assignment;

/// <summary>A bullseye ring: once a conversation has waited <see cref="After"/>, its required levels are <see cref="Relax"/> lower (never below 1).</summary>
/// <remarks><see cref="Relax"/> is the total drop from the level asked for, not an addition to earlier steps.</remarks>
public sealed record BullseyeStep(TimeSpan After, int Relax);

/// <summary>The tunables of assignment: what each channel kind weighs, how requirements relax, how long a previous agent is waited for.</summary>
/// <remarks>Configure before use; the engine reads it from many threads and never writes it.</remarks>
public sealed class RoutingPolicy
{
    private readonly Dictionary<string, int> _weights = DefaultWeights();
    private readonly List<BullseyeStep> _bullseye = DefaultBullseye();

    /// <summary>Capacity units a conversation of each channel kind takes (kinds compared without regard to case).</summary>
    /// <remarks>With the defaults an agent of capacity 100 takes one voice call and nothing else, or two web chats
    /// and an e-mail, or four WhatsApp/SMS conversations, or five e-mails.</remarks>
    public Dictionary<string, int> Weights
    {
        get => _weights;
        init
        {
            foreach (var (kind, weight) in value)
                if (weight <= 0) throw new ArgumentOutOfRangeException(nameof(Weights), weight, $"The weight of '{kind}' must be positive.");
            _weights = new Dictionary<string, int>(value, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Units taken by a channel kind missing from <see cref="Weights"/>.</summary>
    public int UnknownKindWeight { get; init; } = 34;

    /// <summary>The capacity given to an agent nobody configured otherwise.</summary>
    public int DefaultCapacity { get; init; } = 100;

    /// <summary>The bullseye rings, in any order (kept sorted by <see cref="BullseyeStep.After"/>).</summary>
    public List<BullseyeStep> Bullseye
    {
        get => _bullseye;
        init
        {
            foreach (var step in value)
            {
                if (step.After < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Bullseye), step.After, "A bullseye step cannot start before the conversation queued.");
                if (step.Relax < 0) throw new ArgumentOutOfRangeException(nameof(Bullseye), step.Relax, "A bullseye step relaxes, it never tightens.");
            }
            _bullseye = [.. value.OrderBy(s => s.After)];
        }
    }

    /// <summary>How long a conversation waits for its previous agent while that agent is online but full.</summary>
    public TimeSpan PreviousAgentWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Capacity units a conversation of <paramref name="channelKind"/> takes.</summary>
    public int WeightOf(string channelKind) => _weights.TryGetValue(channelKind, out var weight) ? weight : UnknownKindWeight;

    /// <summary>How many levels the requirements have dropped after waiting <paramref name="waited"/>.</summary>
    public int RelaxAfter(TimeSpan waited)
    {
        var relax = 0;
        foreach (var step in _bullseye)
        {
            if (step.After > waited) break;
            relax = step.Relax;
        }
        return relax;
    }

    /// <summary>How long after queuing the next bullseye step starts, or null when none is left after <paramref name="waited"/>.</summary>
    public TimeSpan? NextRelaxation(TimeSpan waited)
    {
        var current = RelaxAfter(waited);
        foreach (var step in _bullseye)
            if (step.After > waited && step.Relax > current) return step.After;
        return null;
    }

    private static Dictionary<string, int> DefaultWeights() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["voice"] = 100,
        // The channel service's names: web is the chat widget, api a message posted by another system.
        ["web"] = 34,
        ["api"] = 34,
        ["partner"] = 34,
        ["whatsapp"] = 25,
        ["sms"] = 25,
        ["email"] = 20,
    };

    private static List<BullseyeStep> DefaultBullseye() =>
    [
        new(TimeSpan.FromSeconds(30), 2),
        new(TimeSpan.FromSeconds(60), 4),
        new(TimeSpan.FromSeconds(120), 9),
    ];
}
