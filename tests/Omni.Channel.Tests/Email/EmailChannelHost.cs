using System.Net;
using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;
using Omni.Channel.Accounts;
using Omni.Channel.Data;
using Omni.Channel.Email;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Omni.Channel.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Email;

/// <summary>A support mailbox as created through the accounts API.</summary>
public sealed record Mailbox(Guid Id, string Name, string Address);

/// <summary>
/// A channel service of the test's own with its SMTP listener on a free loopback port and its relay pointed at
/// <see cref="RelayStandIn"/>, on a database of its own (so no other channel service sends its e-mail), resolving
/// senders through the fixture's identity service. Dropped with its database when the test ends.
/// </summary>
public sealed class EmailChannelHost : IAsyncDisposable
{
    private readonly ConnectedServiceFactory<ChannelGrpcService> _service;
    private readonly string _adminConnectionString;
    private readonly string _database;
    private readonly string _connectionString;

    private EmailChannelHost(ConnectedServiceFactory<ChannelGrpcService> service, string adminConnectionString, string database, string connectionString)
    {
        _service = service;
        _connectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _database = database;
        Http = service.CreateClient();
        Smtp = service.Services.GetRequiredService<SmtpListener>().LocalEndPoint
            ?? throw new InvalidOperationException("The SMTP listener did not start");
    }

    public HttpClient Http { get; }

    /// <summary>Where the channel's SMTP listener took its port.</summary>
    public IPEndPoint Smtp { get; }

    /// <param name="relayPort">Where the relay is (or will be); a port nobody listens on is a relay that is down.</param>
    /// <param name="settings">More configuration, e.g. <c>Channel:Outbound:MaxAttempts</c> or <c>Channel:Smtp:MaxMessageSize</c>.</param>
    public static EmailChannelHost Start(ChannelServiceFixture fixture, int relayPort, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = "channel_email_" + Guid.NewGuid().ToString("N")[..8];
        var builder = new NpgsqlConnectionStringBuilder(fixture.Infrastructure.ConnectionStrings["channel-db"]);
        var admin = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        builder.Database = database;
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:channel-db"] = builder.ConnectionString,
            // A deployment of its own: its own queues, so it never takes the fixture channel's commands and events.
            ["Channel:QueuePrefix"] = "channel-email-tests",
            ["Channel:Smtp:Host"] = "127.0.0.1",
            ["Channel:Smtp:Port"] = "0",
            ["Channel:Email:RelayHost"] = "127.0.0.1",
            ["Channel:Email:RelayPort"] = relayPort.ToString(),
            ["Channel:Email:RelaySecurity"] = "None",
            // Short waits keep the tests brisk; the behaviour is the production one.
            ["Channel:Outbound:FirstRetryDelay"] = "00:00:00.200",
            ["Channel:Outbound:MaxRetryDelay"] = "00:00:01",
            ["Channel:Outbound:PollInterval"] = "00:00:00.500",
            ["Channel:Outbound:AttemptTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var service = new ConnectedServiceFactory<ChannelGrpcService>(fixture.Infrastructure,
            new Dictionary<string, GrpcServer> { [ChannelServiceFixture.IdentityClientName] = GrpcServer.InProcess(fixture.Identity) }, all);
        service.StartServer();
        return new EmailChannelHost(service, admin, database, builder.ConnectionString);
    }

    /// <summary>Adds a support mailbox through the accounts API, as an admin would.</summary>
    public async Task<Mailbox> CreateMailboxAsync(string name = "Omni Support")
    {
        var address = $"support.{Guid.NewGuid():N}@omni.test";
        var response = await Http.PostAsJsonAsync("/api/v1/channel-accounts", new { kind = "email", name, address });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = (await response.Content.ReadFromJsonAsync<AccountDto>())!;
        return new Mailbox(account.Id, account.Name, account.Address);
    }

    public Task DisableAsync(Mailbox mailbox) =>
        Http.PatchAsJsonAsync($"/api/v1/channel-accounts/{mailbox.Id}", new { disabled = true });

    /// <summary>Sends <paramref name="message"/> to the channel's SMTP listener with MailKit, as a mail server would deliver it.</summary>
    public async Task<string> SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Smtp.Address.ToString(), Smtp.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
        return reply;
    }

    /// <summary>The stored message with this external id (an e-mail's Message-ID), with its attachments; null when none.</summary>
    public async Task<Message?> StoredAsync(string externalId)
    {
        await using var scope = _service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        return await db.Messages.AsNoTracking().Include(m => m.Attachments)
            .FirstOrDefaultAsync(m => m.Channel == AccountKinds.Email && m.ExternalId == externalId);
    }

    /// <summary>Queues a message to the customer as the bot or the system would (through the command path's service).</summary>
    public async Task QueueAsAsync(string sender, Guid customerId, string text)
    {
        await using var scope = _service.Services.CreateAsyncScope();
        var outbound = scope.ServiceProvider.GetRequiredService<OutboundMessages>();
        var outcome = await outbound.QueueAsync(new OutboundRequest(customerId, null, AccountKinds.Email, text) { Sender = sender }, CancellationToken.None);
        Assert.IsType<QueueOutcome.Queued>(outcome);
    }

    /// <summary>The e-mail as it came over SMTP, as stored beside the message; null when nothing is.</summary>
    public async Task<RawPayload?> RawAsync(Guid messageId)
    {
        await using var scope = _service.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().RawPayloads.AsNoTracking().FirstOrDefaultAsync(r => r.MessageId == messageId);
    }

    public async Task<Message> StoredByIdAsync(Guid id)
    {
        await using var scope = _service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        return await db.Messages.AsNoTracking().Include(m => m.Attachments).FirstAsync(m => m.Id == id);
    }

    /// <summary>How many e-mails are stored (to see that nothing was).</summary>
    public async Task<int> CountEmailsAsync()
    {
        await using var scope = _service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        return await db.Messages.CountAsync(m => m.Channel == AccountKinds.Email);
    }

    /// <summary>Outbox rows of one event type (by its short name, e.g. "MessageReceived") about the message.</summary>
    public async Task<long> CountEventsAsync(string eventName, Guid messageId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT count(*) FROM outbox_messages WHERE "Body" ->> 'messageId' = @id AND "MessageType" LIKE @type""", connection);
        command.Parameters.AddWithValue("id", messageId.ToString());
        command.Parameters.AddWithValue("type", $"%.{eventName},%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<OutboundWork?> OutboundWorkAsync(Guid messageId)
    {
        await using var scope = _service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        return await db.OutboundWork.AsNoTracking().FirstOrDefaultAsync(w => w.MessageId == messageId);
    }

    /// <summary>Waits until <paramref name="mail"/> is stored and its sender resolved (or refused), and returns it.</summary>
    public Task<Message> SettledAsync(MimeMessage mail) => SettledAsync(mail.MessageId ?? throw new ArgumentException("A mail with a Message-ID"));

    /// <summary>Waits until the stored message's sender is resolved (or refused) and returns it.</summary>
    public Task<Message> SettledAsync(string externalId) =>
        Eventually.Get(async () => await StoredAsync(externalId) is { Status: not MessageStatus.Pending } m ? m : null,
            $"e-mail {externalId} to be stored and its sender resolved");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await _service.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // Known at times while stopping a channel host: the SignalR Redis backplane unsubscribes through a
            // connection whose tracing hook is already gone. It concerns stopping only, not what the test checked.
        }
        using (var pooled = new NpgsqlConnection(_connectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>E-mails as customers' mail clients write them.</summary>
public static class CustomerMail
{
    public static string NewAddress() => $"klant.{Guid.NewGuid():N}@example.nl";

    public static string NewMessageId(string domain = "mail.example.nl") => $"{Guid.NewGuid():N}@{domain}";

    public static MimeMessage Create(string from, Mailbox to, string subject, string body, string? messageId = null, string fromName = "Sanne de Vries")
    {
        var message = new MimeMessage { Subject = subject, MessageId = messageId ?? NewMessageId() };
        message.From.Add(new MailboxAddress(fromName, from));
        message.To.Add(new MailboxAddress(to.Name, to.Address));
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }
}
