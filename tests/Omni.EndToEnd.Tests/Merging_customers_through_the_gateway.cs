using System.Net;
using System.Net.Http.Json;
using Omni.Testing;
using Xunit;

namespace Omni.EndToEnd.Tests;

/// <summary>An agent merges two customers who turn out to be one person, and undoes it; the transcript follows.</summary>
[Collection(SystemCollection.Name)]
public sealed class Merging_customers_through_the_gateway(OmniSystem omni)
{
    private sealed record MergeView(Guid Id, Guid SurvivorId, Guid MergedId);

    private async Task<MessageView> PostAndSettleAsync(string address, string text)
    {
        var posted = await omni.Gateway.PostMessageAsync(new PostedMessage("api", new Sender("email", address), text));
        return await Eventually.Get(async () => await omni.Admin.GetFromJsonAsync<MessageView>($"/api/v1/messages/{posted.Id}") is { Status: "received" } m ? m : null,
            "the sender to be resolved");
    }

    [Fact]
    public async Task Gives_the_survivor_the_merged_customers_messages_and_an_undo_gives_them_back()
    {
        var kept = await PostAndSettleAsync($"anna.{Guid.NewGuid():N}@example.nl", "From my work address");
        var other = await PostAndSettleAsync($"anna.{Guid.NewGuid():N}@example.com", "From my home address");

        var merging = await omni.Admin.PostAsJsonAsync("/api/v1/merges",
            new { survivorId = kept.CustomerId, mergedId = other.CustomerId, reason = "Same person, confirmed on the phone" });
        Assert.Equal(HttpStatusCode.OK, merging.StatusCode);
        var merge = (await merging.Content.ReadFromJsonAsync<MergeView>())!;
        await Eventually.True(async () => (await omni.Admin.GetFromJsonAsync<MessageView>($"/api/v1/messages/{other.Id}"))!.CustomerId == kept.CustomerId,
            "the merged customer's message to belong to the survivor");

        var undoing = await omni.Admin.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Two people after all" });
        Assert.Equal(HttpStatusCode.OK, undoing.StatusCode);
        await Eventually.True(async () => (await omni.Admin.GetFromJsonAsync<MessageView>($"/api/v1/messages/{other.Id}"))!.CustomerId == other.CustomerId,
            "the message to go back with the undo");
        Assert.Equal(kept.CustomerId, (await omni.Admin.GetFromJsonAsync<MessageView>($"/api/v1/messages/{kept.Id}"))!.CustomerId);
    }
}
