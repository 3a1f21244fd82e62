using Npgsql;

namespace Omni.Channel.Tests.Support;

/// <summary>What the tests' views of the channel database share: a connection and a single-value query.</summary>
public abstract class SqlReader(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    protected async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What the provider delivered for the message, as stored beside it (media type, text), or null when nothing is.</summary>
    public async Task<(string ContentType, string Content)?> RawPayloadAsync(Guid messageId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "ContentType", "Content" FROM raw_payloads WHERE "MessageId" = @id""", connection);
        command.Parameters.AddWithValue("id", messageId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1))) : null;
    }

    protected async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
