using Ganss.Xss;
using Markdig;

namespace Omni.Knowledge.Articles;

/// <summary>
/// Turns an article's Markdown into HTML that is safe to put on a page, and into the plain text search indexes.
/// Two layers: Markdig leaves raw HTML out (it is shown as text), and the result is sanitised (only harmless tags and
/// attributes, links and images only over http, https, mailto and tel), so neither an injected tag nor a
/// <c>javascript:</c> link reaches a browser.
/// </summary>
public sealed class ArticleMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseListExtras()
        .UseTaskLists()
        .UseAutoLinks()
        // No generic attributes ({onclick=…}) and no raw HTML: both would let an author write script.
        .DisableHtml()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string ToHtml(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    public static string ToPlainText(string markdown)
    {
        var text = Markdown.ToPlainText(markdown, Pipeline);
        return System.Text.RegularExpressions.Regex.Replace(text, @"[ \t]*\n\s*\n\s*", "\n").Trim();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "ins", "mark", "sub", "sup",
                "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "input", "span",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "src", "alt", "align", "start", "type", "checked", "disabled", "class", "id",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto", "tel" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            // Links leave the help centre without handing it the opener; task-list checkboxes stay read-only.
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link && link.HasAttribute("href"))
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
            if (e.Node is AngleSharp.Dom.IElement { TagName: "INPUT" } input)
            {
                if (input.GetAttribute("type") != "checkbox") input.Remove();
                else input.SetAttribute("disabled", "disabled");
            }
        };
        return sanitizer;
    }
}
