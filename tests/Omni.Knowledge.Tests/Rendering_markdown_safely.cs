using System.Net.Http.Json;
using Omni.Knowledge.Articles;
using Xunit;
using static Omni.Knowledge.Tests.Support.Http;

namespace Omni.Knowledge.Tests;

[Collection(KnowledgeCollection.Name)]
public sealed class Rendering_markdown_safely(KnowledgeServiceFixture fixture)
{
    [Theory]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("<SCRIPT SRC=//evil.example/x.js></SCRIPT>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click me](javascript:alert(1))")]
    [InlineData("[click me](JaVaScRiPt:alert(1))")]
    [InlineData("[click me](  javascript:alert(1) \"title\")")]
    [InlineData("![pic](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\">x</div>")]
    [InlineData("Text {onclick=alert(1)}")]
    public async Task Injected_script_never_reaches_the_page(string attack)
    {
        using var editor = await fixture.EditorAsync();
        var created = await OkAsync<ArticleDto>(await editor.PostAsJsonAsync("/api/v1/articles",
            new { language = "en", title = $"Attack {UniqueWord()}", body = $"Before.\n\n{attack}\n\nAfter **bold**.", status = "published" }));

        var html = (await fixture.Client().GetFromJsonAsync<ArticleDto>($"/api/v1/articles/{created.Id}"))!.Html;

        AssertHarmless(html);
        Assert.Contains("<strong>bold</strong>", html);
    }

    [Fact]
    public void Ordinary_markdown_keeps_its_structure_and_links_leave_safely()
    {
        var html = new ArticleMarkdown().ToHtml("""
            # Heading

            1. First
            2. Second

            | Order value | Costs |
            |---|---|
            | up to € 20 | € 3.95 |

            See [our shop](https://shop.example/returns) or mail <support@shop.example>.

            - [x] done
            """);

        Assert.Contains("<h1", html);
        Assert.Contains("<ol>", html);
        Assert.Contains("<table>", html);
        Assert.Contains("<td>€ 3.95</td>", html);
        Assert.Contains("href=\"https://shop.example/returns\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
        Assert.Contains("href=\"mailto:support@shop.example\"", html);
        Assert.Contains("disabled", html);
        AssertHarmless(html);
    }

    [Fact]
    public void Plain_text_for_search_leaves_markup_out()
    {
        var text = ArticleMarkdown.ToPlainText("# Returns\n\nSend it **back** within [30 days](https://x.example).\n\n<b>raw</b>");

        Assert.Contains("Returns", text);
        Assert.Contains("Send it back within 30 days.", text);
        Assert.DoesNotContain("**", text);
        Assert.DoesNotContain("https://x.example", text);
    }

    /// <summary>What a browser would build from the HTML: no script-capable element, no event handler, no style, no script or data URL.</summary>
    private static void AssertHarmless(string html)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.LocalName, new[] { "script", "iframe", "svg", "object", "embed", "style", "form", "div" });
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{element.LocalName} has {attribute.Name}");
                Assert.NotEqual("style", attribute.Name);
                if (attribute.Name is "href" or "src")
                {
                    var url = attribute.Value.Trim().ToLowerInvariant();
                    Assert.True(url.StartsWith("http://") || url.StartsWith("https://") || url.StartsWith("mailto:") || url.StartsWith("tel:") || !url.Contains(':'),
                        $"{element.LocalName} {attribute.Name}={attribute.Value}");
                }
            }
        }
    }
}
