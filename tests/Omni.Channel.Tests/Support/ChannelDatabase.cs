using Npgsql;

namespace Omni.Channel.Tests.Support;

public sealed record InboundWorkRow(int Attempts, string? LastError);

/// <summary>Reads the channel's own tables, to see what was (or was not) stored behind the API.</summary>
public sealed class ChannelDatabase(string connectionString) : SqlReader(connectionString)
{

    /// <summary>Messages that carry <paramref name="marker"/> in their sender address, external id or text.</summary>
    public Task<long> CountMessagesMarkedAsync(string marker) => ScalarAsync<long>(
        """
        SELECT count(*) FROM messages
        WHERE strpos("SenderAddress", @marker) > 0 OR strpos("ExternalId", @marker) > 0 OR strpos("Text", @marker) > 0
        """,
        ("marker", marker));

    public async Task<InboundWorkRow?> InboundWorkAsync(Guid messageId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Attempts", "LastError" FROM inbound_work WHERE "MessageId" = @id""", connection);
        command.Parameters.AddWithValue("id", messageId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new InboundWorkRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>Whether the outbox row with this id (the message id it carries on the bus) is marked sent.</summary>
    public async Task<bool> OutboxRowSentAsync(Guid outboxId) =>
        await ScalarAsync<bool>("""SELECT coalesce(bool_or("SentAt" IS NOT NULL), false) FROM outbox_messages WHERE "Id" = @id""", ("id", outboxId));

    /// <summary>How many of these bus message ids the consumer's inbox has recorded as processed.</summary>
    public Task<long> InboxProcessedAsync(string consumer, params Guid[] messageIds) => ScalarAsync<long>(
        """SELECT count(*) FROM inbox_messages WHERE "Consumer" = @consumer AND "MessageId" = ANY(@ids)""",
        ("consumer", consumer), ("ids", messageIds));

    /// <summary>Outbox rows of any type whose body names the message.</summary>
    public Task<long> CountOutboxRowsAboutAsync(Guid messageId) => ScalarAsync<long>(
        """SELECT count(*) FROM outbox_messages WHERE "Body" ->> 'messageId' = @id""", ("id", messageId.ToString()));
}
