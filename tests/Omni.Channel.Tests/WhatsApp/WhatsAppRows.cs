using Omni.Channel.Tests.Support;
using System.Text.Json;
using Npgsql;

namespace Omni.Channel.Tests.WhatsApp;

public sealed record StoredMessage(Guid Id, string Channel, string Direction, string SenderKind, string SenderAddress, string Text,
    Guid? AccountId, IReadOnlyDictionary<string, string> Metadata);

public sealed record StoredAttachment(string FileName, string ContentType, long Size, bool HasContent, string? ProviderReference);

/// <summary>Reads the channel's tables behind the webhooks, to see what was (or was not) stored.</summary>
public sealed class WhatsAppRows(string connectionString) : SqlReader(connectionString)
{
    public async Task<StoredMessage?> MessageAsync(string externalId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT "Id", "Channel", "Direction", "SenderKind", "SenderAddress", "Text", "AccountId", "Metadata"::text
            FROM messages WHERE "ExternalId" = @id
            """, connection);
        command.Parameters.AddWithValue("id", externalId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new StoredMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetGuid(6),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7))!);
    }

    public async Task<IReadOnlyList<StoredAttachment>> AttachmentsAsync(Guid messageId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "FileName", "ContentType", "Size", "Content" IS NOT NULL, "ProviderReference" FROM message_attachments WHERE "MessageId" = @id""",
            connection);
        command.Parameters.AddWithValue("id", messageId);
        await using var reader = await command.ExecuteReaderAsync();
        var attachments = new List<StoredAttachment>();
        while (await reader.ReadAsync())
        {
            attachments.Add(new StoredAttachment(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return attachments;
    }

    /// <summary>Every message (in or out) that came or went through the account.</summary>
    public Task<long> CountMessagesOfAccountAsync(Guid accountId) =>
        ScalarAsync<long>("""SELECT count(*) FROM messages WHERE "AccountId" = @id""", ("id", accountId));

    /// <summary>Outbox rows of one event type (e.g. "DeliveryFailed") about the message.</summary>
    public Task<long> CountOutboxRowsAsync(string eventName, Guid messageId) => ScalarAsync<long>(
        """SELECT count(*) FROM outbox_messages WHERE "MessageType" LIKE @type AND "Body" ->> 'messageId' = @id""",
        ("type", $"Omni.Contracts.Channel.{eventName},%"), ("id", messageId.ToString()));

    /// <summary>Moves a stored message back in time: the customer wrote that long ago.</summary>
    public async Task BackdateAsync(string externalId, TimeSpan by)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""UPDATE messages SET "ReceivedAt" = "ReceivedAt" - @by WHERE "ExternalId" = @id""", connection);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("id", externalId);
        await command.ExecuteNonQueryAsync();
    }
}
