using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Npgsql;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Identity.Customers;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests;

/// <summary>
/// A channel service of its own whose identity address has nobody listening, on a database of its own (so the
/// fixture's channel, which does reach identity, never picks up its work). Identity then starts on that very
/// address, on a real socket, as it would after an outage.
/// </summary>
[Collection(ChannelCollection.Name)]
public sealed class Surviving_an_identity_outage(ChannelServiceFixture fixture)
{
    [Fact]
    public async Task Accepts_and_keeps_the_message_while_identity_is_unreachable_and_resolves_it_once_identity_answers()
    {
        var identityPort = FreeLoopbackPort();
        var database = new NpgsqlConnectionStringBuilder(fixture.Infrastructure.ConnectionStrings["channel-db"])
        {
            Database = "channel_outage_" + Guid.NewGuid().ToString("N")[..8],
        }.ConnectionString;
        await using var channel = new ConnectedServiceFactory<ChannelGrpcService>(fixture.Infrastructure,
            new Dictionary<string, GrpcServer> { [ChannelServiceFixture.IdentityClientName] = GrpcServer.At($"http://127.0.0.1:{identityPort}") },
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:channel-db"] = database,
                ["Channel:QueuePrefix"] = "channel-outage-tests",
                // Short waits keep the test brisk; the behaviour is the production one.
                ["Channel:Inbound:ResolveTimeout"] = "00:00:02",
                ["Channel:Inbound:MaxRetryDelay"] = "00:00:01",
            });
        using var http = channel.CreateClient();
        var mobile = Inbound.NewDutchMobile();

        var response = await http.PostMessageAsync(Inbound.Body("phone", mobile, "anyone there?", channel: "sms"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<MessageDto>())!;
        var outageDb = new ChannelDatabase(database);
        var work = await Eventually.Get(async () => await outageDb.InboundWorkAsync(accepted.Id) is { Attempts: > 1 } w ? w : null,
            "failed attempts to resolve the sender");
        Assert.False(string.IsNullOrWhiteSpace(work.LastError));
        Assert.Equal("pending", (await http.GetMessageAsync(accepted.Id)).Status);
        Assert.Equal(0, await fixture.Database.CountMessagesMarkedAsync(mobile));

        // Identity comes up on the address the channel keeps calling.
        await using var identity = new ServiceFactory<IdentityGrpcService>(fixture.Infrastructure, new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:http:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:grpc:Url"] = $"http://127.0.0.1:{identityPort}",
        });
        identity.UseKestrel();
        identity.StartServer();

        var resolved = await http.SettledAsync(accepted.Id);
        Assert.Equal("received", resolved.Status);
        Assert.NotNull(resolved.CustomerId);
        Assert.Null(await outageDb.InboundWorkAsync(accepted.Id));
        // The same customer the fixture's channel finds for the number: nothing was invented during the outage.
        using var fixtureHttp = fixture.Channel.CreateClient();
        var again = await fixtureHttp.PostAcceptedAsync(Inbound.Body("phone", mobile, "me again", channel: "sms"));
        Assert.Equal(resolved.CustomerId, (await fixtureHttp.SettledAsync(again.Id)).CustomerId);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
