using MailKit.Net.Smtp;
using MimeKit;
using Omni.Channel.Email;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Email;

[Collection(ChannelCollection.Name)]
public sealed class Receiving_email(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Stores_a_mail_to_a_support_mailbox_and_resolves_the_sender_to_the_customer_with_that_address()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var sender = CustomerMail.NewAddress();
        var mail = CustomerMail.Create(sender, mailbox, "Bestelling 1042", "Waar blijft mijn bestelling?");

        var reply = await channel.SendAsync(mail);

        Assert.Contains("stored", reply);
        var stored = await channel.SettledAsync(mail);
        Assert.Equal(MessageStatus.Received, stored.Status);
        Assert.Equal(MessageDirection.Inbound, stored.Direction);
        Assert.Equal("email", stored.Channel);
        Assert.Equal("email", stored.SenderKind);
        Assert.Equal(sender, stored.SenderAddress);
        Assert.Equal(mailbox.Id, stored.AccountId);
        Assert.Equal("Waar blijft mijn bestelling?", stored.Text);
        Assert.Equal("Bestelling 1042", stored.Metadata[EmailMetadata.Subject]);
        Assert.Equal("Sanne de Vries", stored.Metadata[EmailMetadata.FromName]);
        Assert.Equal(mailbox.Address, stored.Metadata[EmailMetadata.Mailbox]);
        var raw = (await channel.RawAsync(stored.Id))!; // the MIME as it came
        Assert.Equal("message/rfc822", raw.ContentType);
        Assert.Equal(mail.MessageId, MimeMessage.Load(new MemoryStream(raw.Content)).MessageId);
        // The customer identity knows by that address, however the address is cased.
        var sameCustomer = await channel.Http.PostAcceptedAsync(Inbound.Body("email", sender.ToUpperInvariant(), "via de website", channel: "web"));
        Assert.Equal(stored.CustomerId, (await channel.Http.SettledAsync(sameCustomer.Id)).CustomerId);
    }

    [Fact]
    public async Task Shows_the_agent_the_new_words_without_the_quoted_reply_and_signature_and_keeps_the_original_text()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        const string body = """
            Hallo,

            Het pakket is nog steeds niet bezorgd. Kunt u het nagaan?

            --
            Sanne de Vries
            Tel. 06-12345678

            Op 3 mrt. 2026 om 10:12 schreef Omni Support <support@omni.test>:
            > Uw bestelling is onderweg.
            > Met vriendelijke groet,
            > Omni Support
            """;
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Re: Bestelling 1042", body);

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal("Hallo,\n\nHet pakket is nog steeds niet bezorgd. Kunt u het nagaan?", stored.Text);
        var original = stored.Metadata[EmailMetadata.OriginalText];
        Assert.Contains("> Uw bestelling is onderweg.", original);
        Assert.Contains("Tel. 06-12345678", original);
        Assert.Contains("Op 3 mrt. 2026 om 10:12 schreef", original);
    }

    [Fact]
    public async Task Keeps_an_outlook_reply_to_what_is_above_the_quoted_header_block()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        const string body = """
            Thanks, that works for me.

            Kind regards, Tom

            -----Original Message-----
            From: Omni Support <support@omni.test>
            Sent: Tuesday, March 3, 2026 10:12 AM
            To: Tom <tom@example.com>
            Subject: Your order

            Shall we deliver on Friday?
            """;
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "RE: Your order", body, fromName: "Tom");

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal("Thanks, that works for me.\n\nKind regards, Tom", stored.Text);
        Assert.Contains("Shall we deliver on Friday?", stored.Metadata[EmailMetadata.OriginalText]);
    }

    [Fact]
    public async Task Reads_an_html_only_mail_as_text_without_its_quoted_blockquote()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Re: Retour", "");
        mail.Body = new TextPart("html")
        {
            Text = """
                <html><head><style>p { color: red }</style></head><body>
                <div dir="ltr">Ik wil de schoenen &amp; de tas retourneren.<br>Hoe gaat dat?</div>
                <div class="gmail_quote"><div class="gmail_attr">On Tue, 3 Mar 2026 at 10:12, Omni Support &lt;support@omni.test&gt; wrote:<br></div>
                <blockquote class="gmail_quote"><p>Kunnen wij u nog ergens mee helpen?</p></blockquote></div>
                </body></html>
                """,
        };

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal("Ik wil de schoenen & de tas retourneren.\nHoe gaat dat?", stored.Text);
        Assert.Equal("html", stored.Metadata[EmailMetadata.TextSource]);
        Assert.Contains("> Kunnen wij u nog ergens mee helpen?", stored.Metadata[EmailMetadata.OriginalText]);
    }

    [Fact]
    public async Task Keeps_attachments_and_drops_executables_and_files_over_the_limit_with_a_note()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort(),
            new Dictionary<string, string?> { ["Channel:Email:MaxAttachmentSize"] = "100000" });
        var mailbox = await channel.CreateMailboxAsync();
        var photo = new byte[20_000];
        Random.Shared.NextBytes(photo);
        var body = new BodyBuilder { TextBody = "Zie de foto van de schade." };
        body.Attachments.Add("schade.jpg", photo, new ContentType("image", "jpeg"));
        body.Attachments.Add("factuur.pdf", "%PDF-1.7 factuur"u8.ToArray(), new ContentType("application", "pdf"));
        body.Attachments.Add("setup.exe", [(byte)'M', (byte)'Z', 0x90, 0x00], new ContentType("application", "octet-stream"));
        body.Attachments.Add("invoice.pdf", [(byte)'M', (byte)'Z', 0x90, 0x00], new ContentType("application", "pdf"));
        body.Attachments.Add("video.mp4", new byte[150_000], new ContentType("video", "mp4"));
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Schade", "");
        mail.Body = body.ToMessageBody();

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal("Zie de foto van de schade.", stored.Text);
        Assert.Equal(["factuur.pdf", "schade.jpg"], stored.Attachments.Select(a => a.FileName).Order());
        var kept = stored.Attachments.Single(a => a.FileName == "schade.jpg");
        Assert.Equal("image/jpeg", kept.ContentType);
        Assert.Equal(photo.Length, kept.Size);
        Assert.Equal(photo, kept.Content);
        var dropped = stored.Metadata[EmailMetadata.DroppedAttachments];
        Assert.Contains("setup.exe (blocked type)", dropped);
        Assert.Contains("invoice.pdf (blocked type)", dropped);
        Assert.Contains("video.mp4 (over 100000 bytes)", dropped);
    }

    [Fact]
    public async Task Records_the_thread_of_a_reply_with_its_root_message_id()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var (root, previous) = (CustomerMail.NewMessageId(), CustomerMail.NewMessageId("omni.test"));
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Re: Bestelling 1042", "Dank u!");
        mail.InReplyTo = previous;
        mail.References.Add(root);
        mail.References.Add(previous);

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal(mail.MessageId, stored.ExternalId);
        Assert.Equal(mail.MessageId, stored.Metadata[EmailMetadata.MessageId]);
        Assert.Equal(previous, stored.Metadata[EmailMetadata.InReplyTo]);
        Assert.Equal($"{root} {previous}", stored.Metadata[EmailMetadata.References]);
        Assert.Equal(root, stored.Metadata[EmailMetadata.ThreadId]);
        Assert.Equal("Re: Bestelling 1042", stored.Metadata[EmailMetadata.Subject]);
    }

    [Fact]
    public async Task Starts_a_thread_with_the_mails_own_message_id_when_it_answers_nothing()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Vraag", "Hoe laat sluit u?");

        await channel.SendAsync(mail);

        var stored = await channel.SettledAsync(mail);
        Assert.Equal(mail.MessageId, stored.Metadata[EmailMetadata.ThreadId]);
        Assert.False(stored.Metadata.ContainsKey(EmailMetadata.InReplyTo));
    }

    [Fact]
    public async Task Refuses_an_unknown_recipient_at_rcpt_to_with_550_and_stores_nothing()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox with { Address = "sales@omni.test" }, "Offerte", "Graag een offerte.");

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => channel.SendAsync(mail));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(550, (int)refused.StatusCode);
        Assert.DoesNotContain(mailbox.Address, refused.Message);
        Assert.Equal(0, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Refuses_mail_to_a_disabled_mailbox()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        await channel.DisableAsync(mailbox);
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Hallo", "Is daar iemand?");

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => channel.SendAsync(mail));

        Assert.Equal(550, (int)refused.StatusCode);
        Assert.Equal(0, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Stores_a_repeated_delivery_with_the_same_message_id_once()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Dubbel", "Komt dit twee keer aan?");

        var first = await channel.SendAsync(mail);
        var second = await channel.SendAsync(mail);

        Assert.StartsWith("2.0.0", first);
        Assert.StartsWith("2.0.0", second);
        await channel.SettledAsync(mail);
        Assert.Equal(1, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Stores_one_mail_sent_to_two_support_mailboxes_for_each_of_them()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var sales = await channel.CreateMailboxAsync("Verkoop");
        var support = await channel.CreateMailboxAsync("Klantenservice");
        var from = CustomerMail.NewAddress();
        var messageId = $"{Guid.NewGuid():N}@example.nl";
        var toSales = CustomerMail.Create(from, sales, "Offerte", "Voor wie is deze vraag?", messageId);
        var toSupport = CustomerMail.Create(from, support, "Offerte", "Voor wie is deze vraag?", messageId);

        await channel.SendAsync(toSales);
        await channel.SendAsync(toSupport);

        // A Message-ID is unique per mailbox, not across them: each mailbox keeps its copy.
        await Eventually.True(async () => await channel.CountEmailsAsync() == 2, "a copy stored for each mailbox");
        // A repeat to one of them is still stored once (the mail is stored before SMTP's 250).
        Assert.StartsWith("2.0.0", await channel.SendAsync(toSupport));
        Assert.Equal(2, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Stores_a_repeated_delivery_of_a_mail_without_message_id_once()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var raw = $"""
            From: {CustomerMail.NewAddress()}
            To: {mailbox.Address}
            Subject: Zonder id
            Date: Tue, 03 Mar 2026 10:12:00 +0100

            Mijn mailprogramma zet geen Message-ID.

            """.ReplaceLineEndings("\r\n");
        var mail = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
        Assert.Null(mail.MessageId);

        await channel.SendAsync(mail);
        await channel.SendAsync(mail);

        Assert.Equal(1, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Refuses_a_message_over_the_size_limit_with_552_and_stores_nothing()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort(),
            new Dictionary<string, string?> { ["Channel:Smtp:MaxMessageSize"] = "50000" });
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Groot", new string('x', 80_000));

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => channel.SendAsync(mail));

        Assert.Equal(552, (int)refused.StatusCode);
        Assert.Equal(0, await channel.CountEmailsAsync());
    }

    [Fact]
    public async Task Refuses_a_message_over_the_size_limit_with_552_when_the_client_did_not_declare_its_size()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort(),
            new Dictionary<string, string?> { ["Channel:Smtp:MaxMessageSize"] = "50000" });
        var mailbox = await channel.CreateMailboxAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(channel.Smtp);
        using var reader = new StreamReader(tcp.GetStream(), System.Text.Encoding.ASCII);
        await using var writer = new StreamWriter(tcp.GetStream(), System.Text.Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };

        async Task<string> Reply()
        {
            string line;
            do line = (await reader.ReadLineAsync())!; while (line.Length > 3 && line[3] == '-');
            return line;
        }

        Assert.StartsWith("220", await Reply());
        await writer.WriteLineAsync("EHLO client.example.nl");
        Assert.StartsWith("250", await Reply());
        await writer.WriteLineAsync($"MAIL FROM:<{CustomerMail.NewAddress()}>");
        Assert.StartsWith("250", await Reply());
        await writer.WriteLineAsync($"RCPT TO:<{mailbox.Address}>");
        Assert.StartsWith("250", await Reply());
        await writer.WriteLineAsync("DATA");
        Assert.StartsWith("354", await Reply());
        await writer.WriteLineAsync($"Subject: Groot\r\nMessage-ID: <{CustomerMail.NewMessageId()}>\r\n");
        for (var i = 0; i < 1000; i++) await writer.WriteLineAsync(new string('x', 76));
        await writer.WriteLineAsync(".");

        Assert.StartsWith("552", await Reply());
        Assert.Equal(0, await channel.CountEmailsAsync());
    }
}
