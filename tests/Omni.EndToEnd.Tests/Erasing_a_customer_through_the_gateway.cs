using System.Net;
using System.Net.Http.Json;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>A supervisor erases a customer in identity; the channel service forgets their messages too (identity's event).</summary>
[Collection(SystemCollection.Name)]
public sealed class Erasing_a_customer_through_the_gateway(OmniSystem omni)
{
    private sealed record ErasableMessage(Guid Id, string Channel, string Direction, string Text, Sender From, DateTimeOffset ReceivedAt,
        Guid? CustomerId, string Status, DateTimeOffset? ErasedAt);

    [Fact]
    public async Task The_transcript_keeps_the_customers_messages_without_their_text_or_address()
    {
        var address = $"erase.me.{Guid.NewGuid():N}@example.nl";
        var posted = await omni.Gateway.PostMessageAsync(new PostedMessage("api", new Sender("email", address), "My address is Keizersgracht 1"));
        var before = await Eventually.Get(async () =>
            await omni.Admin.GetFromJsonAsync<ErasableMessage>($"/api/v1/messages/{posted.Id}") is { Status: "received" } m ? m : null,
            "the sender to be resolved");

        var erased = await omni.Admin.DeleteAsync($"/api/v1/customers/{before.CustomerId}");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        var after = await Eventually.Get(async () =>
            await omni.Admin.GetFromJsonAsync<ErasableMessage>($"/api/v1/messages/{posted.Id}") is { ErasedAt: not null } m ? m : null,
            "the channel service to erase the message");
        Assert.Equal(("", ""), (after.Text, after.From.Address));
        Assert.Equal((before.Id, before.Channel, before.Direction, before.ReceivedAt, before.CustomerId, before.Status),
            (after.Id, after.Channel, after.Direction, after.ReceivedAt, after.CustomerId, after.Status));
    }
}
