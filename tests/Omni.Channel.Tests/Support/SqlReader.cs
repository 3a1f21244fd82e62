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

    protected async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
