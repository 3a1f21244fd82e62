using System.Net;
using Omni.Routing.Tests.Support;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Explaining_decisions(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Explains_every_step_of_a_conversation_in_order_with_who_and_why()
    {
        var (billing, returns) = (await fixture.QueueAsync(), await fixture.QueueAsync());
        await using var anna = await fixture.AgentForAsync(billing, "Anna de Vries");
        var conversation = await fixture.WaitingInAsync(billing);
        await anna.AcceptNextOfferAsync(conversation);
        Assert.Equal(HttpStatusCode.OK, (await anna.TransferAsync(conversation.Id, toQueueId: returns.Id, note: "Refund, not billing")).StatusCode);

        var decisions = await fixture.DecisionsOfAsync(conversation.Id);

        Assert.Equal(["opened", "bot", "queued", "offered", "accepted", "queued", "transferred"], decisions.Select(d => d.Kind));
        Assert.Equal(decisions.OrderBy(d => d.At), decisions);
        var offered = decisions.Single(d => d.Kind == "offered");
        Assert.Equal(anna.AgentId, offered.AgentId);
        Assert.Equal(billing.Id, offered.QueueId);
        Assert.Contains(billing.Skill, offered.Reason);
        Assert.Equal(anna.AgentId, decisions.Single(d => d.Kind == "accepted").ActorId);
        Assert.Contains("the customer asked for a person", decisions[2].Reason);
        Assert.Equal("Refund, not billing", decisions[^1].Note);
        Assert.Equal(returns.Id, decisions[^2].QueueId);
        Assert.All(decisions, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
    }

    [Fact]
    public async Task Answers_404_for_the_decisions_of_an_unknown_conversation()
    {
        using var supervisor = fixture.SupervisorClient();

        var response = await supervisor.GetAsync($"/api/v1/conversations/{Guid.CreateVersion7()}/decisions");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
