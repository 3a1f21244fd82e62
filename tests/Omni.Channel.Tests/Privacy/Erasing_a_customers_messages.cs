using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Omni.Channel.Tests.Support;
using Omni.Channel.Tests.WhatsApp;
using Omni.Contracts.Identity;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Privacy;

/// <summary>Identity asks every service to forget a customer (<see cref="CustomerErasureRequested"/>); the transcript forgets them too.</summary>
[Collection(ChannelCollection.Name)]
public sealed class Erasing_a_customers_messages(ChannelServiceFixture fixture)
{
    private readonly WhatsAppRows _rows = new(fixture.Database.ConnectionString);

    [Fact]
    public async Task Erases_texts_addresses_details_and_files_keeps_ids_times_channels_and_states_and_does_it_once()
    {
        await using var graph = await GraphApiStandIn.StartAsync();
        using var http = fixture.Channel.CreateClient();
        var customer = await http.CustomerWroteAsync(graph, _rows);
        var mediaId = "1489" + Random.Shared.Next(100_000_000, 999_999_999);
        graph.KeepMedia(mediaId, MediaFiles.Jpeg(5_000), "image/jpeg", customer.Number.AccessToken);
        var photoWamid = MetaWebhook.NewWamid();
        await http.PostAcknowledgedAsync(MetaWebhook.Messages(customer.Number.PhoneNumberId, customer.WaId, "Sanne de Vries",
            MetaWebhook.Image(customer.WaId, photoWamid, mediaId, "image/jpeg", "Mijn adres staat op het label")), customer.Number.AppSecret);
        var photo = (await _rows.MessageAsync(photoWamid))!.Id;
        var file = Assert.Single((await http.FilesSettledAsync(photo)).Attachments);
        await http.SettledAsync(photo);
        Assert.NotNull(await _rows.RawPayloadAsync(photo));
        var reply = (await (await http.SendOutboundAsync(new { customerId = customer.CustomerId, text = "Dank u, Sanne!" })).Content
            .ReadFromJsonAsync<Omni.Channel.Messages.MessageDto>())!;
        var sent = await http.HandedOverAsync(reply.Id);
        var someoneElse = await http.CustomerWroteAsync(graph, _rows);
        var first = (await _rows.MessageAsync(customer.LastWamid))!.Id;
        var before = new[] { await http.GetMessageAsync(first), await http.GetMessageAsync(photo), sent };

        await fixture.Bus.Publish(new CustomerErasureRequested(customer.CustomerId, DateTimeOffset.UtcNow));

        var after = await Eventually.Get(async () =>
        {
            var now = new[] { await http.GetMessageAsync(first), await http.GetMessageAsync(photo), await http.GetMessageAsync(reply.Id) };
            return now.All(m => m.ErasedAt is not null) ? now : null;
        }, "the customer's messages to be erased");
        Assert.All(after, m => Assert.Equal(("", ""), (m.Text, m.From.Address)));
        Assert.All(after, m => Assert.Empty(m.Attachments));
        // What counts and reports need stays as it was.
        Assert.Equal(before.Select(m => (m.Id, m.Channel, m.Direction, m.ReceivedAt, m.CustomerId, m.Status, m.ExternalId)),
            after.Select(m => (m.Id, m.Channel, m.Direction, m.ReceivedAt, m.CustomerId, m.Status, m.ExternalId)));
        Assert.Empty((await _rows.MessageAsync(photoWamid))!.Metadata);
        Assert.Empty(await _rows.AttachmentsAsync(photo));
        Assert.Null(await _rows.RawPayloadAsync(photo)); // Meta's notification named them too
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/messages/{photo}/attachments/{file.Id}")).StatusCode);
        var untouched = await http.GetMessageAsync((await _rows.MessageAsync(someoneElse.LastWamid))!.Id);
        Assert.Equal(("Kunt u mij helpen?", "+" + someoneElse.WaId, (DateTimeOffset?)null), (untouched.Text, untouched.From.Address, untouched.ErasedAt));

        // Asked again (identity retries, or erases a merged customer later): nothing changes.
        var again = Guid.CreateVersion7();
        await fixture.Bus.Publish(new CustomerErasureRequested(customer.CustomerId, DateTimeOffset.UtcNow), context => context.MessageId = again);
        await Eventually.True(async () => await fixture.Database.InboxProcessedAsync("channel-customer-erasure", again) == 1, "the second request to be consumed");
        var unchanged = new List<DateTimeOffset?>();
        foreach (var id in new[] { first, photo, reply.Id }) unchanged.Add((await http.GetMessageAsync(id)).ErasedAt);
        Assert.Equal(after.Select(m => m.ErasedAt), unchanged);
        // A provider delivering an erased message again finds it: it is not stored anew.
        await http.PostAcknowledgedAsync(MetaWebhook.Messages(customer.Number.PhoneNumberId, customer.WaId, "Sanne de Vries",
            MetaWebhook.Text(customer.WaId, customer.LastWamid, "Kunt u mij helpen?")), customer.Number.AppSecret);
        Assert.Equal("", (await http.GetMessageAsync(first)).Text);
    }
}
