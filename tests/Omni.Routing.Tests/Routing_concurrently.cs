using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Queues;
using Omni.Routing.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Routing.Tests;

[Collection(RoutingCollection.Name)]
public sealed class Routing_concurrently(RoutingServiceFixture fixture)
{
    [Fact]
    public async Task Never_takes_an_agent_over_capacity_nor_gives_a_conversation_to_two_agents_with_two_routers_on_one_database()
    {
        // E-mails weigh 20: room for 5 + 5 + 3 + 2 = 15 of the 30 customers in line.
        var queue = await fixture.QueueAsync();
        var capacities = new Dictionary<string, int> { ["Anna de Vries"] = 100, ["Bram Bakker"] = 100, ["Carla Cruz"] = 60, ["Daan de Jong"] = 40 };
        var desks = new List<AgentDesk>();
        try
        {
            foreach (var (name, capacity) in capacities) desks.Add(await fixture.AgentForAsync(queue, name, capacity, online: false));
            await RouteWithTwoRoutersAsync(queue, desks);
        }
        finally
        {
            foreach (var desk in desks) await desk.DisposeAsync();
        }
    }

    private async Task RouteWithTwoRoutersAsync(TestQueue queue, List<AgentDesk> desks)
    {
        var conversations = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => fixture.WaitingInAsync(queue, "email")));
        var ids = conversations.Select(c => c.Id).ToArray();
        var agentIds = desks.Select(d => d.AgentId).ToArray();

        // A second routing instance on the same database, and both routing passes at once besides their own loops.
        await using var second = fixture.NewRoutingHost();
        var routers = new[] { fixture.Routing.Services.GetRequiredService<QueueRouter>(), second.Services.GetRequiredService<QueueRouter>() };
        // Every desk accepts what it is offered at once; the answers are kept to count acceptances per conversation.
        var accepts = new ConcurrentBag<Task<(Guid ConversationId, HttpStatusCode Status)>>();
        foreach (var desk in desks)
        {
            desk.OnOffer = (d, offer) => accepts.Add(Task.Run(async () => (offer.ConversationId, (await d.AcceptAsync(offer.ConversationId)).StatusCode)));
        }
        var overCapacity = new ConcurrentBag<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                foreach (var (agent, load, capacity) in await LoadsAsync(agentIds))
                {
                    if (load > capacity) overCapacity.Add($"{agent}: {load} of {capacity}");
                }
                await Task.Delay(20);
            }
        });

        await Task.WhenAll(desks.Select(d => d.SetPresenceAsync(PresenceStates.Online)));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => routers[i % 2].RouteOnceAsync(CancellationToken.None))));
        await Eventually.True(async () => await CountAssignedAsync(ids) == 15, "15 of the 30 to be assigned");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => routers[i % 2].RouteOnceAsync(CancellationToken.None))));
        await sampling.CancelAsync();
        await sampler;

        Assert.Empty(overCapacity);
        foreach (var (agent, load, capacity) in await LoadsAsync(agentIds)) Assert.True(load <= capacity, $"{agent}: {load} of {capacity}");
        Assert.Equal(15, await CountAssignedAsync(ids));
        var accepted = (await Task.WhenAll(accepts)).Where(a => a.Status == HttpStatusCode.NoContent).ToList();
        Assert.Equal(accepted.Count, accepted.Select(a => a.ConversationId).Distinct().Count());
        foreach (var (conversation, kinds) in await DecisionsAsync(ids))
        {
            // An offer is outstanding until it is accepted, declined or lapses: never two at once.
            var outstanding = 0;
            foreach (var kind in kinds)
            {
                outstanding = kind switch
                {
                    "offered" => outstanding + 1,
                    "accepted" or "declined" or "offer-lapsed" => 0,
                    _ => outstanding,
                };
                Assert.True(outstanding <= 1, $"conversation {conversation} offered twice at once: {string.Join(", ", kinds)}");
            }
            Assert.True(kinds.Count(k => k == "accepted") <= 1, $"conversation {conversation} accepted twice: {string.Join(", ", kinds)}");
        }
    }

    private async Task<List<(Guid Agent, int Load, int Capacity)>> LoadsAsync(Guid[] agents)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT a."Id", a."Capacity", COALESCE(SUM(c."Units"), 0)::int
            FROM agents a
            LEFT JOIN conversations c ON (c."State" IN ('assigned', 'waiting-on-customer') AND c."AgentId" = a."Id")
                                      OR (c."State" = 'queued' AND c."OfferedAgentId" = a."Id")
            WHERE a."Id" = ANY(@agents)
            GROUP BY a."Id", a."Capacity"
            """, connection);
        command.Parameters.AddWithValue("agents", agents);
        var loads = new List<(Guid, int, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) loads.Add((reader.GetGuid(0), reader.GetInt32(2), reader.GetInt32(1)));
        return loads;
    }

    private async Task<int> CountAssignedAsync(Guid[] conversations)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT count(*)::int FROM conversations WHERE "Id" = ANY(@ids) AND "State" = @assigned""", connection);
        command.Parameters.AddWithValue("ids", conversations);
        command.Parameters.AddWithValue("assigned", ConversationState.Assigned);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<Guid, List<string>>> DecisionsAsync(Guid[] conversations)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT "ConversationId", "Kind" FROM routing_decisions WHERE "ConversationId" = ANY(@ids) ORDER BY "At", "Id"
            """, connection);
        command.Parameters.AddWithValue("ids", conversations);
        var decisions = conversations.ToDictionary(id => id, _ => new List<string>());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) decisions[reader.GetGuid(0)].Add(reader.GetString(1));
        return decisions;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(fixture.Infrastructure.ConnectionStrings["routing-db"]);
        await connection.OpenAsync();
        return connection;
    }
}
