using Omni.Channel.Email;
using Xunit;

namespace Omni.Channel.Tests.Email;

public sealed class Stripping_quotes_and_signatures
{
    [Theory]
    [InlineData("Yes please.\n\nOn Tue, 3 Mar 2026 at 10:12, Omni Support <support@omni.test> wrote:\n> Shall we call you?")]
    [InlineData("Yes please.\n\nOn Tue, 3 Mar 2026 at 10:12, Omni Support <support@omni.test>\nwrote:\n> Shall we call you?")]
    [InlineData("Yes please.\n\nOp di 3 mrt 2026 om 10:12 schreef Omni Support <support@omni.test>:\n\n> Zullen we u bellen?")]
    [InlineData("Yes please.\n\n-----Oorspronkelijk bericht-----\nVan: Omni Support\nVerzonden: dinsdag 3 maart 2026 10:12\nAan: Sanne\nOnderwerp: Terugbellen")]
    [InlineData("Yes please.\n________________________________\nVan: Omni Support <support@omni.test>\nVerzonden: dinsdag 3 maart 2026 10:12\nAan: Sanne <sanne@example.nl>\nOnderwerp: Terugbellen\n\nZullen we u bellen?")]
    [InlineData("Yes please.\n\nOp 3 mrt 2026 om 10:12 heeft Omni Support <support@omni.test> het volgende geschreven:\n\n> Zullen we u bellen?")]
    [InlineData("Yes please.\n\nOn 3 Mar 2026, at 10:12, Omni Support <support@omni.test> wrote:\n\n> Shall we call you?")]
    [InlineData("Yes please.\n\nAm 03.03.2026 um 10:12 schrieb Omni Support <support@omni.test>:\n> Sollen wir Sie anrufen?")]
    [InlineData("Yes please.\n\nLe 3 mars 2026 à 10:12, Omni Support <support@omni.test> a écrit :\n> Voulez-vous être rappelé ?")]
    [InlineData("Yes please.\n\nVan: Omni Support <support@omni.test>\nDatum: dinsdag 3 maart 2026 om 10:12\nAan: Sanne <sanne@example.nl>\nOnderwerp: Terugbellen\n\nZullen we u bellen?")]
    [InlineData("Yes please.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\nFrom: Omni Support <support@omni.test>\nSent: Tuesday, March 3, 2026 10:12:00 AM\nTo: Sanne <sanne@example.nl>\nSubject: Call back")]
    [InlineData("Yes please.\r\n\r\n-- \r\nSanne de Vries\r\nAcme B.V.")]
    [InlineData("Yes please.\n\nSent from my iPhone")]
    [InlineData("Yes please.\n\nVerstuurd vanaf mijn iPhone\n\n> Zullen we u bellen?")]
    public void Keeps_only_the_new_words_of_common_mail_clients_replies(string body)
    {
        Assert.Equal("Yes please.", EmailText.StripQuotesAndSignature(body));
    }

    [Fact]
    public void Keeps_inline_answers_between_quoted_lines()
    {
        const string body = "> What is your order number?\n1042\n> And your postcode?\n1234 AB";

        Assert.Equal("1042\n1234 AB", EmailText.StripQuotesAndSignature(body));
    }

    [Fact]
    public void Keeps_a_line_that_merely_starts_with_from()
    {
        const string body = "From: what I read on your site, returns are free.\nIs that right?";

        Assert.Equal(body, EmailText.StripQuotesAndSignature(body));
    }

    [Fact]
    public void Keeps_the_whole_text_when_nothing_but_quotes_would_be_left()
    {
        const string body = "> Forwarded for your information";

        Assert.Equal(body, EmailText.StripQuotesAndSignature(body));
    }

    [Fact]
    public void Reads_html_paragraphs_breaks_lists_and_entities_as_text()
    {
        const string html = "<p>Beste,</p><p>Ik wil:<br>&nbsp;</p><ul><li>de schoenen</li><li>de tas &amp; riem</li></ul><script>alert(1)</script>";

        Assert.Equal("Beste,\n\nIk wil:\n\n- de schoenen\n- de tas & riem", EmailText.FromHtml(html).Replace('\u00a0', ' ').Replace(" \n", "\n"));
    }
}
