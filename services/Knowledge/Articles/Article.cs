namespace Omni.Knowledge.Articles;

public enum ArticleStatus
{
    Draft,
    Published,
}

/// <summary>A help-centre article in one language.</summary>
public sealed class Article
{
    public Guid Id { get; init; }

    /// <summary>ISO 639-1 code (<see cref="Languages.Supported"/>).</summary>
    public required string Language { get; init; }

    public required string Title { get; set; }

    /// <summary>Markdown.</summary>
    public required string Body { get; set; }

    public List<string> Tags { get; set; } = [];

    public ArticleStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class Languages
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal) { "nl", "en" };
}
