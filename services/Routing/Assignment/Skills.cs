namespace Omni.Routing.Assignment;

/// <summary>Whether an agent can be offered work: only <see cref="Online"/> agents are.</summary>
public enum Presence { Offline, Away, Online }

/// <summary>A skill a conversation needs, at a level from 1 (can handle the basics) to 10 (the expert).</summary>
public sealed record SkillRequirement(string Skill, int Level)
{
    /// <summary>The skill's name; compared without regard to case.</summary>
    public string Skill { get; init; } = string.IsNullOrWhiteSpace(Skill)
        ? throw new ArgumentException("A skill needs a name.", nameof(Skill))
        : Skill;

    /// <summary>The level asked for, 1..10.</summary>
    public int Level { get; init; } = SkillLevels.Check(Level, nameof(Level));

    /// <inheritdoc />
    public override string ToString() => $"{Skill}≥{Level}";
}

/// <summary>The scale of skill levels shared by agents and requirements.</summary>
public static class SkillLevels
{
    /// <summary>The lowest level: anyone who has the skill at all.</summary>
    public const int Min = 1;

    /// <summary>The highest level.</summary>
    public const int Max = 10;

    /// <summary>Whether <paramref name="level"/> is on the scale.</summary>
    public static bool IsValid(int level) => level is >= Min and <= Max;

    internal static int Check(int level, string name) => IsValid(level)
        ? level
        : throw new ArgumentOutOfRangeException(name, level, $"Skill levels run from {Min} to {Max}.");
}
