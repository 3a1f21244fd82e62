namespace Omni.Routing.Agents;

/// <summary>
/// Routing's copy of an agent (identity owns the account; <c>AgentChanged</c> keeps this copy) with what routing
/// alone owns: skills with levels and capacity. Presence is live state in Redis, not here.
/// </summary>
public sealed class RoutingAgent
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    public bool Disabled { get; set; }

    /// <summary>Skill name → level 1–10.</summary>
    public Dictionary<string, int> Skills { get; set; } = [];

    /// <summary>Capacity units (a voice call takes 100, chats and e-mails less: <c>Routing:Weights</c>).</summary>
    public int Capacity { get; set; } = 100;

    /// <summary>When the agent last finished or handed on a conversation: among equals, the longest idle is offered first.</summary>
    public DateTimeOffset IdleSince { get; set; }

    /// <summary>As of when identity's account (name, disabled) is applied here: an <c>AgentChanged</c> older than this is stale.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What a customer may be told: the first word of the name.</summary>
    public string FirstName => Name.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? Name;
}
