using System.Net;
using System.Net.Http.Json;
using MimeKit;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Email;

/// <summary>Mail no customer typed: out-of-office replies are kept with the customer without opening a conversation; bounces fail the e-mail they return.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Receiving_automatic_mail(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Keeps_an_out_of_office_reply_with_the_customer_but_announces_no_message_for_it()
    {
        await using var channel = EmailChannelHost.Start(fixture, RelayStandIn.FreePort());
        var mailbox = await channel.CreateMailboxAsync();
        var sender = CustomerMail.NewAddress();
        var written = CustomerMail.Create(sender, mailbox, "Bestelling 1042", "Waar blijft mijn pakket?");
        var outOfOffice = CustomerMail.Create(sender, mailbox, "Automatisch antwoord: Re: Bestelling 1042",
            "Ik ben tot en met 12 december afwezig en lees mijn e-mail niet.");
        outOfOffice.Headers.Add("Auto-Submitted", "auto-replied");
        outOfOffice.Headers.Add("X-Auto-Response-Suppress", "All");
        outOfOffice.Headers.Add("Precedence", "bulk");

        await channel.SendAsync(written);
        var reply = await channel.SendAsync(outOfOffice);

        Assert.StartsWith("2.0.0", reply);
        var (customer, automatic) = (await channel.SettledAsync(written), await channel.SettledAsync(outOfOffice));
        Assert.Equal(MessageStatus.Received, automatic.Status);
        Assert.Equal(customer.CustomerId, automatic.CustomerId);
        Assert.Equal("auto-replied", automatic.Metadata[InboundMetadata.Automatic]);
        Assert.Equal(1, await channel.CountEventsAsync("MessageReceived", customer.Id));
        Assert.Equal(0, await channel.CountEventsAsync("MessageReceived", automatic.Id));
    }

    [Fact]
    public async Task Fails_the_email_a_bounce_returns_with_the_servers_reason_and_stores_the_bounce_as_no_message()
    {
        await using var relay = await RelayStandIn.StartAsync();
        await using var channel = EmailChannelHost.Start(fixture, relay.Port);
        var mailbox = await channel.CreateMailboxAsync();
        var mail = CustomerMail.Create(CustomerMail.NewAddress(), mailbox, "Bestelling 1042", "Waar blijft mijn pakket?");
        await channel.SendAsync(mail);
        var customer = await channel.SettledAsync(mail);
        var response = await channel.Http.PostAsJsonAsync("/api/v1/messages/outbound", new { customerId = customer.CustomerId, channel = "email", text = "Morgen." });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        var sent = await Eventually.Get(async () => await channel.StoredByIdAsync(queued.Id) is { Status: MessageStatus.Sent } m ? m : null, "the reply to be sent");
        var stored = await channel.CountEmailsAsync();

        // Days later the customer's server returns it, to the mailbox it came from.
        var bounce = Reading_mail_as_clients_write_it.Mime(Reading_mail_as_clients_write_it.Dsn(
            "Action: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 <" + mail.From.Mailboxes.Single().Address + ">: Mailbox full",
            sent.ExternalId!).Replace("support@omni.test", mailbox.Address));
        var answer = await channel.SendAsync(bounce);

        Assert.StartsWith("2.0.0", answer);
        var failed = await Eventually.Get(async () => await channel.StoredByIdAsync(queued.Id) is { Status: MessageStatus.Failed } m ? m : null, "the reply to be failed");
        Assert.Contains("5.2.2", failed.StatusReason);
        Assert.Contains("Mailbox full", failed.StatusReason);
        Assert.DoesNotContain(mail.From.Mailboxes.Single().Address, failed.StatusReason);
        Assert.Equal(1, await channel.CountEventsAsync("DeliveryFailed", queued.Id));
        Assert.Equal(stored, await channel.CountEmailsAsync());
    }
}
