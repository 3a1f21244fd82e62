using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Omni.Messaging.Outbox;

namespace Omni.Messaging.Hosting;

public static class ServiceDatabase
{
    /// <summary>Connections one service instance may hold; 4 services × 40 stays under the servers' 200.</summary>
    public const int DefaultMaxPoolSize = 40;

    /// <summary>
    /// Registers a service's own DbContext on PostgreSQL (pooled, with the outbox interceptor) and Aspire's health
    /// check, tracing and metrics for it. EF's retrying strategy stays off: the outbox, inbox and processors own
    /// their explicit transactions and retry whole units of work themselves.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var given = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost provides it, or set ConnectionStrings__{connectionName}.");
        var connectionString = new NpgsqlConnectionStringBuilder(given);
        // Four services share one server: a bounded pool per service keeps a burst in one from starving the others
        // (PostgreSQL refuses connections past max_connections). Requests beyond it wait for a free connection.
        // Npgsql's builder says it "contains" every keyword it knows, set or not: ask a plain builder what was given.
        var set = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = given };
        if (!set.ContainsKey("Maximum Pool Size") && !set.ContainsKey("Max Pool Size") && !set.ContainsKey("MaxPoolSize"))
        {
            connectionString.MaxPoolSize = builder.Configuration.GetValue("Omni:Database:MaxPoolSize", DefaultMaxPoolSize);
        }

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxSaveChangesInterceptor>();
        builder.Services.AddDbContextPool<TContext>((services, options) => options
            .UseNpgsql(connectionString.ConnectionString)
            .UseOmniOutbox(services));
        builder.EnrichNpgsqlDbContext<TContext>(settings => settings.DisableRetry = true);
        return builder;
    }
}
