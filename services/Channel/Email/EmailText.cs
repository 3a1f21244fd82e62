using System.Text;
using System.Text.RegularExpressions;
using MimeKit.Text;

namespace Omni.Channel.Email;

/// <summary>
/// What the agent reads of an e-mail: the customer's new words, without the quoted conversation below them or the
/// signature. Mail clients mark those differently (a "&gt;" prefix, an "On … wrote:" line, Outlook's header block,
/// "-- "), so each marker cuts the text where it starts; inline answers between quoted lines are kept.
/// </summary>
public static partial class EmailText
{
    /// <summary>The customer's own words of a plain-text body; the whole body when nothing would be left.</summary>
    public static string StripQuotesAndSignature(string body)
    {
        var lines = Normalize(body).Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (StartsQuoteOrSignature(lines, i)) break;
            if (line.TrimStart().StartsWith('>')) continue;
            kept.Add(line.TrimEnd());
        }

        // A separator line, a "Sent from my phone" line and blank lines left at the end say nothing.
        while (kept.Count > 0 && (string.IsNullOrWhiteSpace(kept[^1]) || SeparatorLine().IsMatch(kept[^1]) || SentFromLine().IsMatch(kept[^1])))
        {
            kept.RemoveAt(kept.Count - 1);
        }
        var text = CollapseBlankLines(string.Join('\n', kept)).Trim('\n');
        return string.IsNullOrWhiteSpace(text) ? Normalize(body).Trim() : text;
    }

    /// <summary>Plain text of an HTML body: block elements become lines, blockquotes become "&gt;" quoted lines, scripts and styles go.</summary>
    public static string FromHtml(string html)
    {
        var output = new StringBuilder(html.Length / 2);
        var line = new StringBuilder();
        var quoteDepth = 0;
        var skipDepth = 0;
        var preDepth = 0;

        void EndLine(bool force = false)
        {
            var text = line.ToString().Trim();
            line.Clear();
            if (text.Length == 0 && !force) return;
            output.Append(quoteDepth > 0 ? new string('>', quoteDepth) + " " : "").Append(text).Append('\n');
        }

        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader) { DecodeCharacterReferences = true };
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlDataToken data when skipDepth == 0 && data.Kind is HtmlTokenKind.Data or HtmlTokenKind.CData:
                    var chunk = data.Data;
                    if (preDepth > 0)
                    {
                        var parts = chunk.Replace("\r", "").Split('\n');
                        for (var p = 0; p < parts.Length; p++)
                        {
                            if (p > 0) EndLine(force: true);
                            line.Append(parts[p]);
                        }
                    }
                    else
                    {
                        var collapsed = Whitespace().Replace(chunk, " ");
                        if (line.Length == 0 || line[^1] == ' ') collapsed = collapsed.TrimStart();
                        line.Append(collapsed);
                    }
                    break;
                case HtmlTagToken tag:
                    switch (tag.Id)
                    {
                        case HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head or HtmlTagId.Title:
                            if (tag.IsEmptyElement) break;
                            skipDepth = Math.Max(0, skipDepth + (tag.IsEndTag ? -1 : 1));
                            break;
                        case HtmlTagId.BlockQuote:
                            EndLine();
                            quoteDepth = Math.Max(0, quoteDepth + (tag.IsEndTag ? -1 : 1));
                            break;
                        case HtmlTagId.Pre:
                            EndLine();
                            preDepth = Math.Max(0, preDepth + (tag.IsEndTag ? -1 : 1));
                            break;
                        case HtmlTagId.Br:
                            EndLine(force: true);
                            break;
                        case HtmlTagId.LI when !tag.IsEndTag:
                            EndLine();
                            line.Append("- ");
                            break;
                        case HtmlTagId.TD or HtmlTagId.TH when tag.IsEndTag:
                            line.Append(' ');
                            break;
                        case HtmlTagId.P or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.Table or HtmlTagId.UL or HtmlTagId.OL
                            or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6
                            or HtmlTagId.HR or HtmlTagId.LI or HtmlTagId.Body or HtmlTagId.Center or HtmlTagId.Address:
                            EndLine();
                            if (tag.Id == HtmlTagId.P && tag.IsEndTag) output.Append('\n');
                            break;
                    }
                    break;
            }
        }
        EndLine();
        return CollapseBlankLines(output.ToString()).Trim('\n');
    }

    // Where the quoted conversation or the signature begins.
    private static bool StartsQuoteOrSignature(string[] lines, int i)
    {
        var line = lines[i];
        var trimmed = line.Trim();
        if (line is "-- " or "--") return true;
        if (OriginalMessage().IsMatch(trimmed)) return true;
        if (Attribution().IsMatch(trimmed)) return true;
        // Clients wrap a long attribution: "On Tue, 3 Mar 2026 at 10:00, Jan Jansen <jan@example.nl>" / "wrote:".
        if (i + 1 < lines.Length && trimmed.Length > 0 && Attribution().IsMatch(trimmed + " " + lines[i + 1].Trim())
            && AttributionStart().IsMatch(trimmed))
        {
            return true;
        }
        return StartsHeaderBlock(lines, i);
    }

    // Outlook quotes the previous mail under a block of its headers: "From: …", "Sent: …", "To: …", "Subject: …".
    private static bool StartsHeaderBlock(string[] lines, int i)
    {
        if (!HeaderFrom().IsMatch(lines[i].Trim())) return false;
        var headers = 0;
        for (var j = i + 1; j < lines.Length && j <= i + 6; j++)
        {
            var next = lines[j].Trim();
            if (next.Length == 0) break;
            if (HeaderOther().IsMatch(next)) headers++;
        }
        return headers >= 2;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string CollapseBlankLines(string text) => ManyBlankLines().Replace(text, "\n\n");

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Oorspronkelijk bericht|Origineel bericht|Ursprüngliche Nachricht|Message d'origine|Forwarded message|Doorgestuurd bericht)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    // "On … wrote:" (en), "Op … schreef …:" (nl, Gmail), "Op … heeft … het volgende geschreven:" (nl, Apple Mail),
    // "Am … schrieb …:" (de), "Le … a écrit :" (fr).
    [GeneratedRegex(@"^((On|Le)\s.{1,300}(wrote|a écrit)\s?:|(Op|Am)\s.{1,300}(schreef|schrieb|geschreven)\b.{0,300}:)$", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"^(On|Op|Am|Le)\s", RegexOptions.IgnoreCase)]
    private static partial Regex AttributionStart();

    [GeneratedRegex(@"^\*?(From|Van|Von|De)\s?:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderFrom();

    [GeneratedRegex(@"^\*?(Sent|Date|To|Cc|Subject|Verzonden|Datum|Aan|Onderwerp|Gesendet|An|Betreff|Envoyé|À|Objet)\s?:\*?", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderOther();

    [GeneratedRegex(@"^\s*(_{5,}|-{5,}|={5,})\s*$")]
    private static partial Regex SeparatorLine();

    [GeneratedRegex(@"^\s*(Sent from my|Get Outlook for|Verzonden (vanaf|met) mijn|Verzonden vanuit|Verstuurd (vanaf|met) mijn|Von meinem|Envoyé de mon)\b.{0,60}$", RegexOptions.IgnoreCase)]
    private static partial Regex SentFromLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ManyBlankLines();
}
