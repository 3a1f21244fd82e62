using System.Net;
using System.Net.Http.Json;
using MimeKit;
using Omni.Channel.Email;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Contracts.Channel;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Email;

[Collection(ChannelCollection.Name)]
public sealed class Sending_email(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Sends_an_agent_reply_through_the_relay_from_the_mailbox_in_the_customers_thread()
    {
        await using var relay = await RelayStandIn.StartAsync();
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync("Omni Klantenservice");
        var (customer, customerId) = await CustomerWroteAsync(channel, mailbox, mail =>
        {
            mail.Subject = "Re: Bestelling 1042";
            mail.InReplyTo = "earlier@omni.test";
            mail.References.Add("root@example.nl");
            mail.References.Add("earlier@omni.test");
        });

        var queued = await QueueAsync(channel, customerId, "Uw pakket wordt morgen bezorgd.");

        var sent = await relay.WaitForAsync(m => m.InReplyTo == customer.MessageId, "the reply at the relay");
        var from = Assert.Single(sent.From.Mailboxes);
        Assert.Equal(mailbox.Address, from.Address);
        Assert.Equal("Omni Klantenservice", from.Name);
        Assert.Equal(customer.From.Mailboxes.Single().Address, Assert.Single(sent.To.Mailboxes).Address);
        Assert.Equal("Re: Bestelling 1042", sent.Subject);
        Assert.Equal(["root@example.nl", "earlier@omni.test", customer.MessageId!], sent.References.ToArray());
        Assert.EndsWith("@omni.test", sent.MessageId);
        Assert.Equal("Uw pakket wordt morgen bezorgd.", sent.TextBody?.TrimEnd());
        Assert.Null(sent.Headers[HeaderId.AutoSubmitted]); // a person's reply

        var stored = await Eventually.Get(async () => await channel.StoredByIdAsync(queued.Id) is { Status: MessageStatus.Sent } m ? m : null,
            "the reply to be marked sent");
        Assert.Equal(sent.MessageId, stored.ExternalId);
        Assert.Equal("root@example.nl", stored.Metadata[EmailMetadata.ThreadId]);
        Assert.Equal(customer.MessageId, stored.Metadata[EmailMetadata.InReplyTo]);
        Assert.Single(relay.Received);
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("system")]
    public async Task Marks_what_the_bot_or_the_system_writes_as_auto_replied_so_out_of_office_replies_do_not_answer_it(string sender)
    {
        await using var relay = await RelayStandIn.StartAsync();
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync();
        var (customer, customerId) = await CustomerWroteAsync(channel, mailbox, mail => mail.Subject = "Retour");

        await channel.QueueAsAsync(sender, customerId, "Je bent nummer 3 in de wachtrij.");

        var sent = await relay.WaitForAsync(m => m.InReplyTo == customer.MessageId, "the notice at the relay");
        Assert.Equal("auto-replied", sent.Headers[HeaderId.AutoSubmitted]);
    }

    [Fact]
    public async Task Puts_re_before_the_subject_of_a_first_mail_once()
    {
        await using var relay = await RelayStandIn.StartAsync();
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync();
        var (customer, customerId) = await CustomerWroteAsync(channel, mailbox, mail => mail.Subject = "Openingstijden");

        await QueueAsync(channel, customerId, "Wij zijn open van 9 tot 17 uur.");

        var sent = await relay.WaitForAsync(m => m.InReplyTo == customer.MessageId, "the reply at the relay");
        Assert.Equal("Re: Openingstijden", sent.Subject);
        Assert.Equal([customer.MessageId!], sent.References.ToArray());
    }

    [Fact]
    public async Task Retries_while_the_relay_is_down_and_delivers_once_it_is_up()
    {
        var relayPort = RelayStandIn.FreePort();
        await using var channel = EmailChannelHost.Start(fixture, relayPort, new Dictionary<string, string?> { ["Channel:Outbound:MaxAttempts"] = "1000" });
        var mailbox = await channel.CreateMailboxAsync();
        var (customer, customerId) = await CustomerWroteAsync(channel, mailbox);

        var queued = await QueueAsync(channel, customerId, "Excuses voor het wachten.");

        var work = await Eventually.Get(async () => await channel.OutboundWorkAsync(queued.Id) is { Attempts: >= 2 } w ? w : null,
            "failed attempts while the relay is down");
        Assert.Contains("could not be reached", work.LastError);
        Assert.Equal(MessageStatus.Queued, (await channel.StoredByIdAsync(queued.Id)).Status);

        await using var relay = await RelayStandIn.StartAsync(relayPort);

        var sent = await relay.WaitForAsync(m => m.InReplyTo == customer.MessageId, "the reply once the relay is up");
        var stored = await Eventually.Get(async () => await channel.StoredByIdAsync(queued.Id) is { Status: MessageStatus.Sent } m ? m : null,
            "the reply to be marked sent");
        Assert.Equal(sent.MessageId, stored.ExternalId);
        Assert.Single(relay.Received);
    }

    [Fact]
    public async Task Retries_when_the_relay_defers_with_a_4xx_reply_and_delivers_with_the_same_message_id()
    {
        await using var relay = await RelayStandIn.StartAsync(deferrals: 2);
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync();
        var (customer, customerId) = await CustomerWroteAsync(channel, mailbox);

        var queued = await QueueAsync(channel, customerId, "Wij kijken ernaar.");

        var sent = await relay.WaitForAsync(m => m.InReplyTo == customer.MessageId, "the reply after two deferrals");
        Assert.Equal($"{queued.Id:N}@{mailbox.Address.Split('@')[1]}", sent.MessageId);
        await Eventually.True(async () => (await channel.StoredByIdAsync(queued.Id)).Status == MessageStatus.Sent, "the reply to be marked sent");
        Assert.Single(relay.Received);
    }

    [Fact]
    public async Task Fails_the_message_and_announces_delivery_failed_when_the_relay_stays_down_for_every_attempt()
    {
        var failures = new ReceivedMessages<DeliveryFailed>();
        await using var bus = await TestBus.StartAsync(fixture.Infrastructure.ConnectionStrings["bus"],
            rabbit => failures.Bind(rabbit, "email-tests-delivery-failed-" + Guid.NewGuid().ToString("N")[..8]));
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort(), new Dictionary<string, string?> { ["Channel:Outbound:MaxAttempts"] = "2" });
        var mailbox = await channel.CreateMailboxAsync();
        var (_, customerId) = await CustomerWroteAsync(channel, mailbox);

        var queued = await QueueAsync(channel, customerId, "Dit komt nooit aan.");

        var (_, failed) = await failures.WaitFor(f => f.MessageId == queued.Id, "DeliveryFailed on the bus");
        Assert.Equal(2, failed.Attempts);
        Assert.Equal("email", failed.Channel);
        Assert.Equal(customerId, failed.CustomerId);
        var stored = await channel.StoredByIdAsync(queued.Id);
        Assert.Equal(MessageStatus.Failed, stored.Status);
        Assert.StartsWith("Gave up after 2 attempts", stored.StatusReason);
        Assert.Null(await channel.OutboundWorkAsync(queued.Id));
    }

    [Fact]
    public async Task Fails_at_once_when_the_relay_refuses_the_recipient_with_a_5xx_reply()
    {
        var failures = new ReceivedMessages<DeliveryFailed>();
        await using var bus = await TestBus.StartAsync(fixture.Infrastructure.ConnectionStrings["bus"],
            rabbit => failures.Bind(rabbit, "email-tests-delivery-failed-" + Guid.NewGuid().ToString("N")[..8]));
        await using var relay = await RelayStandIn.StartAsync(refuses: to => to.StartsWith("klant."));
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync();
        var (_, customerId) = await CustomerWroteAsync(channel, mailbox);

        var queued = await QueueAsync(channel, customerId, "Onbestelbaar.");

        var (_, failed) = await failures.WaitFor(f => f.MessageId == queued.Id, "DeliveryFailed on the bus");
        Assert.Equal(1, failed.Attempts);
        var stored = await channel.StoredByIdAsync(queued.Id);
        Assert.Equal(MessageStatus.Failed, stored.Status);
        Assert.Contains("550", stored.StatusReason);
        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task Refuses_to_queue_an_email_with_422_when_no_relay_is_configured()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort(), new Dictionary<string, string?> { ["Channel:Email:RelayHost"] = "" });
        var mailbox = await channel.CreateMailboxAsync();
        var (_, customerId) = await CustomerWroteAsync(channel, mailbox);

        var response = await channel.Http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId, channel = "email", text = "Hallo" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    // A customer e-mails the mailbox and is resolved by identity.
    private static async Task<(MimeMessage Mail, Guid CustomerId)> CustomerWroteAsync(EmailChannelHost channel, Mailbox mailbox, Action<MimeMessage>? shape = null)
    {
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Bestelling 1042", "Waar blijft mijn pakket?");
        shape?.Invoke(mail);
        await channel.SendAsync(mail);
        var stored = await channel.SettledAsync(mail);
        Assert.Equal(MessageStatus.Received, stored.Status);
        return (mail, stored.CustomerId!.Value);
    }

    private static async Task<MessageDto> QueueAsync(EmailChannelHost channel, Guid customerId, string text)
    {
        var response = await channel.Http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId, channel = "email", text });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageDto>())!;
    }
}
