namespace Omni.Identity.Agents;

public static class AgentRoles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    /// <summary>Writes and publishes help-centre articles.</summary>
    public const string Editor = "editor";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Agent, Supervisor, Admin, Editor };
}

/// <summary>A person who works in the contact centre and signs in to the agent desk.</summary>
public sealed class Agent
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    /// <summary>Normalised (trimmed, lower-case); unique.</summary>
    public required string Email { get; set; }

    /// <summary>ASP.NET Core Identity's PasswordHasher format (PBKDF2, salted, versioned).</summary>
    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DisabledAt { get; set; }
}
