using System.Collections.Frozen;

namespace Omni.Routing.Assignment;

/// <summary>One agent as routing sees them now: skills, capacity, presence and the units in use.</summary>
/// <remarks>
/// Every member may be read and written from any thread. <see cref="Load"/> only changes through
/// <see cref="TryReserve"/> and <see cref="Release(int)"/>, by compare-and-swap, so concurrent routers can never take
/// an agent past <see cref="Capacity"/>.
/// </remarks>
public sealed class AgentState
{
    private FrozenDictionary<string, int> _skills = FrozenDictionary<string, int>.Empty;
    private int _capacity = 100;
    private volatile Presence _presence;
    private int _load;
    // A DateTimeOffset is two words and could tear between threads; UTC ticks are one.
    private long _idleSinceTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The pool that indexes this agent's skills, told when they change.</summary>
    internal AgentPool? Pool;

    /// <summary>The agent's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Skill → level 1..10, names compared without regard to case. Setting it re-indexes the agent in its pool.</summary>
    public required IReadOnlyDictionary<string, int> Skills
    {
        get => _skills;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var (skill, level) in value)
            {
                if (string.IsNullOrWhiteSpace(skill)) throw new ArgumentException("A skill needs a name.", nameof(Skills));
                SkillLevels.Check(level, nameof(Skills));
            }
            _skills = value.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
            Pool?.Reindex(this);
        }
    }

    /// <summary>Units this agent can carry at once; lowering it below <see cref="Load"/> takes nothing away, it only stops new work.</summary>
    public int Capacity
    {
        get => Volatile.Read(ref _capacity);
        set => Volatile.Write(ref _capacity, value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Capacity), value, "Capacity cannot be negative."));
    }

    internal FrozenDictionary<string, int> SkillSet => _skills;

    /// <summary>Online, away or offline; only online agents are offered work.</summary>
    public Presence Presence { get => _presence; set => _presence = value; }

    /// <summary>Units in use.</summary>
    public int Load => Volatile.Read(ref _load);

    /// <summary>Units still free (never negative).</summary>
    public int FreeUnits => Math.Max(0, Capacity - Load);

    /// <summary>When the agent last became idle (or came online); the longest idle goes first among equals.</summary>
    public DateTimeOffset IdleSince
    {
        get => new(Interlocked.Read(ref _idleSinceTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _idleSinceTicks, value.UtcTicks);
    }

    /// <summary>Takes <paramref name="units"/> if they fit under <see cref="Capacity"/>; atomic.</summary>
    public bool TryReserve(int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        while (true)
        {
            var load = Volatile.Read(ref _load);
            if (load + units > Capacity) return false;
            if (Interlocked.CompareExchange(ref _load, load + units, load) == load) return true;
        }
    }

    /// <summary>Gives back <paramref name="units"/> taken by <see cref="TryReserve"/>.</summary>
    /// <exception cref="InvalidOperationException">More units than are in use: a double release, which would otherwise
    /// let the agent be given more work than they really carry.</exception>
    public void Release(int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        while (true)
        {
            var load = Volatile.Read(ref _load);
            if (units > load) throw new InvalidOperationException($"Agent {Id} carries {load} units; cannot release {units}.");
            if (Interlocked.CompareExchange(ref _load, load - units, load) == load) return;
        }
    }

    /// <summary>Gives back <paramref name="units"/> and, when that leaves the agent with nothing, marks them idle since <paramref name="now"/>.</summary>
    public void Release(int units, DateTimeOffset now)
    {
        Release(units);
        if (Load == 0) IdleSince = now;
    }

    /// <summary>The agent's level in <paramref name="skill"/>, 0 when they lack it.</summary>
    public int LevelOf(string skill) => _skills.TryGetValue(skill, out var level) ? level : 0;

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Presence} {Load}/{Capacity}";
}
