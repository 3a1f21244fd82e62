using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using Omni.Channel.Accounts;
using Omni.Channel.Email;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Xunit;

namespace Omni.Channel.Tests.Email;

/// <summary>
/// What the parser makes of mail as real clients and servers write it (raw MIME, as it arrives over SMTP): HTML with an
/// empty text part, inline photos, old charsets, encoded subjects, no Message-ID, auto-replies and bounces.
/// </summary>
public sealed class Reading_mail_as_clients_write_it
{
    private static readonly ChannelAccount SupportMailbox = new() { Id = Guid.NewGuid(), Kind = AccountKinds.Email, Name = "Omni Support", Address = "support@omni.test" };

    private static readonly EmailParser Parser = new(Options.Create(new EmailOptions()));

    [Fact]
    public void Reads_the_html_part_when_the_plain_text_part_beside_it_is_empty()
    {
        var inbound = Parse("""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Retour
            Message-ID: <empty-plain@example.nl>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8

             
            --alt
            Content-Type: text/html; charset=utf-8

            <html><body><div>Ik wil de <b>schoenen</b> retourneren.</div></body></html>
            --alt--
            """);

        Assert.Equal("Ik wil de schoenen retourneren.", inbound.Text);
        Assert.Equal("html", inbound.Metadata![EmailMetadata.TextSource]);
    }

    [Fact]
    public void Keeps_photos_shown_inline_and_signature_images_as_well_as_attachments()
    {
        var photo = Convert.ToBase64String(MediaFiles.Jpeg(3_000), Base64FormattingOptions.InsertLineBreaks);
        var logo = Convert.ToBase64String(MediaFiles.Png(500), Base64FormattingOptions.InsertLineBreaks);
        var invoice = Convert.ToBase64String(MediaFiles.Pdf(2_000), Base64FormattingOptions.InsertLineBreaks);
        // Apple Mail puts a photo inline (disposition inline, with a file name); Outlook's signature logo has no disposition.
        var inbound = Parse($"""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Schade
            Message-ID: <inline-photo@example.nl>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="mixed"

            --mixed
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=us-ascii

            Zie de foto van de schade.
            --alt
            Content-Type: multipart/related; type="text/html"; boundary="related"

            --related
            Content-Type: text/html; charset=us-ascii

            <html><body>Zie de foto van de schade.<br><img src="cid:photo@apple"><br><img src="cid:image001.png@01DC"></body></html>
            --related
            Content-Transfer-Encoding: base64
            Content-Disposition: inline; filename=IMG_0042.jpeg
            Content-Type: image/jpeg; name="IMG_0042.jpeg"
            Content-Id: <photo@apple>

            {photo}
            --related
            Content-Type: image/png; name="image001.png"
            Content-Transfer-Encoding: base64
            Content-ID: <image001.png@01DC>

            {logo}
            --related--
            --alt--
            --mixed
            Content-Type: application/pdf; name="factuur.pdf"
            Content-Disposition: attachment; filename="factuur.pdf"
            Content-Transfer-Encoding: base64

            {invoice}
            --mixed--
            """);

        Assert.Equal("Zie de foto van de schade.", inbound.Text);
        Assert.Equal(["IMG_0042.jpeg", "factuur.pdf", "image001.png"], inbound.Attachments!.Select(a => a.FileName).Order(StringComparer.Ordinal));
        Assert.Equal("image/jpeg", inbound.Attachments!.Single(a => a.FileName == "IMG_0042.jpeg").ContentType);
        Assert.False(inbound.Metadata!.ContainsKey(EmailMetadata.DroppedAttachments));
    }

    [Fact]
    public void Keeps_the_words_after_a_photo_apple_mail_puts_in_the_middle_of_a_plain_text_mail()
    {
        var photo = Convert.ToBase64String(MediaFiles.Jpeg(1_000), Base64FormattingOptions.InsertLineBreaks);
        var inbound = Parse($"""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Schade
            Message-ID: <apple-split@example.nl>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="Apple-Mail=_1"

            --Apple-Mail=_1
            Content-Transfer-Encoding: 7bit
            Content-Type: text/plain; charset=us-ascii

            Zo kwam de lamp aan:

            --Apple-Mail=_1
            Content-Disposition: inline; filename=IMG_0043.jpeg
            Content-Type: image/jpeg; name="IMG_0043.jpeg"
            Content-Transfer-Encoding: base64

            {photo}
            --Apple-Mail=_1
            Content-Transfer-Encoding: 7bit
            Content-Type: text/plain; charset=us-ascii

            Kunt u een nieuwe sturen?

            Groet, Sanne
            --Apple-Mail=_1--
            """);

        Assert.Equal("Zo kwam de lamp aan:\n\nKunt u een nieuwe sturen?\n\nGroet, Sanne", inbound.Text);
        Assert.Equal("IMG_0043.jpeg", Assert.Single(inbound.Attachments!).FileName);
    }

    [Theory]
    [InlineData("iso-8859-1", "quoted-printable", "Ik heb =E9=E9n vraag over mijn bestelling =E0 =A3 25.", "Ik heb één vraag over mijn bestelling à £ 25.")]
    [InlineData("windows-1252", "quoted-printable", "De prijs was =8025 =96 niet =9320=94, dat klopt niet=85", "De prijs was €25 – niet “20”, dat klopt niet…")]
    [InlineData("windows-1252", "8bit", "\u0080 12,50 \u0096 \u0091graag\u0092 terug", "€ 12,50 – ‘graag’ terug")]
    [InlineData("iso-8859-15", "8bit", "Prijs: \u00a4 9,95 voor \u00e9\u00e9n tas", "Prijs: € 9,95 voor één tas")]
    public void Decodes_bodies_in_the_charsets_older_clients_still_send(string charset, string encoding, string body, string expected)
    {
        // "8bit" bodies are raw bytes in that charset: each char below 256 of the test string is one byte.
        var raw = Encoding.ASCII.GetBytes($"""
            From: klant@example.nl
            To: support@omni.test
            Subject: Vraag
            Message-ID: <{Guid.NewGuid():N}@example.nl>
            MIME-Version: 1.0
            Content-Type: text/plain; charset={charset}
            Content-Transfer-Encoding: {encoding}


            """.ReplaceLineEndings("\r\n")).Concat(body.Select(c => (byte)c)).Concat("\r\n"u8.ToArray()).ToArray();

        var inbound = ParseBytes(raw);

        Assert.Equal(expected, inbound.Text);
    }

    [Theory]
    [InlineData("=?iso-8859-1?Q?Bestelling_1042:_w=E9l_of_niet=3F?=", "Bestelling 1042: wél of niet?")]
    [InlineData("=?windows-1252?Q?Bestelling_1042_=96_w=E9l_of_niet=3F?=", "Bestelling 1042 – wél of niet?")]
    [InlineData("=?UTF-8?B?UmV0b3VyIPCfk6YgZ2VzY2hpa3Q/?=", "Retour 📦 geschikt?")]
    [InlineData("=?utf-8?q?Re=3A_Vraag_over_=C3=A9=C3=A9n?=\r\n =?utf-8?q?_artikel?=", "Re: Vraag over één artikel")]
    public void Decodes_encoded_word_subjects(string header, string subject)
    {
        var inbound = Parse($"""
            From: klant@example.nl
            To: support@omni.test
            Subject: {header}
            Message-ID: <{Guid.NewGuid():N}@example.nl>

            Zie onderwerp.
            """);

        Assert.Equal(subject, inbound.Metadata![EmailMetadata.Subject]);
    }

    [Fact]
    public void Names_a_mail_without_message_id_by_its_hash_and_starts_a_thread_with_it()
    {
        const string mail = """
            From: klant@example.nl
            To: support@omni.test
            Subject: Zonder id

            Mijn mailprogramma zet geen Message-ID.
            """;

        var (first, again) = (Parse(mail), Parse(mail));

        Assert.StartsWith("sha256:", first.ExternalId);
        Assert.Equal(first.ExternalId, again.ExternalId);
        Assert.Equal(first.ExternalId, first.Metadata![EmailMetadata.ThreadId]);
        Assert.Equal("Mijn mailprogramma zet geen Message-ID.", first.Text);
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied", "auto-replied")]
    [InlineData("Auto-Submitted: auto-generated", "auto-generated")]
    [InlineData("Auto-Submitted: auto-replied; owner-email=\"sanne@example.nl\"", "auto-replied")]
    [InlineData("Precedence: bulk", "precedence-bulk")]
    [InlineData("Precedence: junk", "precedence-junk")]
    [InlineData("X-Autoreply: yes", "auto-replied")]
    [InlineData("X-Autorespond: Out of office", "auto-replied")]
    public void Marks_auto_replies_and_bulk_mail_as_automatic(string header, string automatic)
    {
        var inbound = Parse($"""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Afwezig: Bestelling 1042
            Message-ID: <{Guid.NewGuid():N}@example.nl>
            {header}

            Ik ben tot en met 12 december afwezig.
            """);

        Assert.Equal(automatic, inbound.Metadata![InboundMetadata.Automatic]);
    }

    [Theory]
    [InlineData("Auto-Submitted: no")]
    [InlineData("Precedence: first-class")]
    [InlineData("X-Mailer: Apple Mail (2.3774)")]
    public void Leaves_a_customers_own_mail_unmarked(string header)
    {
        var inbound = Parse($"""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Bestelling 1042
            Message-ID: <{Guid.NewGuid():N}@example.nl>
            {header}

            Waar blijft mijn pakket?
            """);

        Assert.False(inbound.Metadata!.ContainsKey(InboundMetadata.Automatic));
    }

    [Fact]
    public void Reads_a_delivery_status_notification_as_the_failure_of_the_mail_it_returns()
    {
        var bounce = EmailBounces.Read(Mime(Dsn("Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <jan@example.nl>: Recipient address rejected: User unknown",
            "0197ab@omni.test")), envelopeFrom: null);

        Assert.NotNull(bounce);
        Assert.True(bounce.Failed);
        Assert.Equal("0197ab@omni.test", bounce.OriginalMessageId);
        Assert.Contains("5.1.1", bounce.Reason);
        Assert.Contains("User unknown", bounce.Reason);
        Assert.DoesNotContain("jan@example.nl", bounce.Reason);
    }

    [Fact]
    public void Reads_a_delay_notice_as_no_failure()
    {
        var bounce = EmailBounces.Read(Mime(Dsn("Action: delayed\r\nStatus: 4.4.7\r\nWill-Retry-Until: Tue, 8 Dec 2026 10:12:00 +0100", "0197ac@omni.test")), null);

        Assert.NotNull(bounce);
        Assert.False(bounce.Failed);
    }

    [Fact]
    public void Reads_a_mailer_daemons_plain_text_bounce_and_finds_the_message_id_it_quotes()
    {
        var bounce = EmailBounces.Read(Mime("""
            From: MAILER-DAEMON@mx.example.nl
            To: support@omni.test
            Subject: failure notice
            Message-ID: <bounce-1@mx.example.nl>

            Hi. This is the qmail-send program at mx.example.nl.
            I'm afraid I wasn't able to deliver your message to the following addresses.

            <jan@example.nl>:
            Sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.

            Return-Path: <support@omni.test>
            Message-ID: <0197ad@omni.test>
            Subject: Re: Bestelling 1042
            """), envelopeFrom: null);

        Assert.NotNull(bounce);
        Assert.True(bounce.Failed);
        Assert.Equal("0197ad@omni.test", bounce.OriginalMessageId);
    }

    [Fact]
    public void Takes_neither_an_auto_reply_nor_a_customers_mail_for_a_bounce()
    {
        var outOfOffice = Mime("""
            From: Sanne <sanne@example.nl>
            To: support@omni.test
            Subject: Automatisch antwoord: Bestelling 1042
            Auto-Submitted: auto-replied
            In-Reply-To: <0197ae@omni.test>

            Ik ben afwezig.
            """);

        Assert.Null(EmailBounces.Read(outOfOffice, envelopeFrom: null));
        Assert.Null(EmailBounces.Read(CustomerMail.Create("sanne@example.nl", new Mailbox(Guid.Empty, "Support", "support@omni.test"), "Vraag", "Hallo"), "sanne@example.nl"));
    }

    /// <summary>A bounce as Postfix writes it (RFC 3464): the notice, the status per recipient, the returned headers.</summary>
    internal static string Dsn(string recipientFields, string originalMessageId) => $"""
        From: MAILER-DAEMON@mx.example.nl (Mail Delivery System)
        To: support@omni.test
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <{Guid.NewGuid():N}@mx.example.nl>
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

        --dsn
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.nl.
        I'm sorry to have to inform you that your message could not be delivered to one or more recipients.

        --dsn
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.nl
        X-Postfix-Queue-ID: 4Q1x2y3z
        Arrival-Date: Tue,  1 Dec 2026 10:12:00 +0100 (CET)

        Final-Recipient: rfc822; jan@example.nl
        Original-Recipient: rfc822;jan@example.nl
        {recipientFields}

        --dsn
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        From: Omni Support <support@omni.test>
        To: jan@example.nl
        Subject: Re: Bestelling 1042
        Message-ID: <{originalMessageId}>

        --dsn--
        """;

    private static InboundMessage Parse(string mail) => ParseBytes(Encoding.UTF8.GetBytes(mail.ReplaceLineEndings("\r\n")));

    private static InboundMessage ParseBytes(byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        return Parser.Parse(MimeMessage.Load(stream), raw, envelopeFrom: null, SupportMailbox);
    }

    internal static MimeMessage Mime(string mail) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mail.ReplaceLineEndings("\r\n"))));
}
