using Omni.Channel.Tests.Support;
using System.Text.Json;
using Npgsql;

namespace Omni.Channel.Tests.Twilio.Support;

public sealed record StoredMessage(
    Guid Id, string Channel, string Direction, string? ExternalId, Guid? AccountId, string SenderKind, string SenderAddress, string Text,
    string Status, string? StatusReason, Guid? CustomerId, IReadOnlyDictionary<string, string> Metadata);

public sealed record StoredAttachment(string FileName, string ContentType, string? ProviderReference);

/// <summary>Reads the Twilio channel's own database, to see what was (or was not) stored behind the webhooks.</summary>
public sealed class TwilioDatabase(string connectionString) : SqlReader(connectionString)
{
    public Task<long> CountByExternalIdAsync(string externalId) =>
        ScalarAsync<long>("""SELECT count(*) FROM messages WHERE "ExternalId" = @value""", ("value", externalId));

    /// <summary>Messages on the account, whatever they are: to see that a refused webhook left nothing behind.</summary>
    public Task<long> CountForAccountAsync(Guid accountId) =>
        ScalarAsync<long>("""SELECT count(*) FROM messages WHERE "AccountId" = @value""", ("value", accountId));

    public async Task<StoredMessage?> FindAsync(string externalId) =>
        (await QueryAsync("""WHERE "ExternalId" = @value""", ("value", externalId))).SingleOrDefault();

    public async Task<StoredMessage?> FindAsync(Guid id) =>
        (await QueryAsync("""WHERE "Id" = @value""", ("value", id))).SingleOrDefault();

    public async Task<IReadOnlyList<StoredAttachment>> AttachmentsAsync(Guid messageId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "FileName", "ContentType", "ProviderReference" FROM message_attachments WHERE "MessageId" = @id ORDER BY "FileName" """, connection);
        command.Parameters.AddWithValue("id", messageId);
        await using var reader = await command.ExecuteReaderAsync();
        var attachments = new List<StoredAttachment>();
        while (await reader.ReadAsync())
        {
            attachments.Add(new StoredAttachment(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return attachments;
    }

    /// <summary>Outbox rows of one event type (by its short name) about the message.</summary>
    public Task<long> CountEventsAsync(string eventName, Guid messageId) => ScalarAsync<long>(
        """SELECT count(*) FROM outbox_messages WHERE "Body" ->> 'messageId' = @id AND "MessageType" LIKE @type""",
        ("id", messageId.ToString()), ("type", $"%.{eventName},%"));

    private async Task<List<StoredMessage>> QueryAsync(string where, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT "Id", "Channel", "Direction", "ExternalId", "AccountId", "SenderKind", "SenderAddress", "Text", "Status", "StatusReason",
                   "CustomerId", "Metadata"::text
            FROM messages
            """ + " " + where, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync())
        {
            messages.Add(new StoredMessage(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetGuid(10),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(11)) ?? []));
        }
        return messages;
    }
}
