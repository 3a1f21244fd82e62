using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Omni.Messaging.Outbox;

namespace Omni.Messaging.Hosting;

public static class ServiceDatabase
{
    /// <summary>
    /// Registers a service's own DbContext on PostgreSQL (pooled, with the outbox interceptor) and Aspire's health
    /// check, tracing and metrics for it. EF's retrying strategy stays off: the outbox, inbox and processors own
    /// their explicit transactions and retry whole units of work themselves.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost provides it, or set ConnectionStrings__{connectionName}.");

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxSaveChangesInterceptor>();
        builder.Services.AddDbContextPool<TContext>((services, options) => options
            .UseNpgsql(connectionString)
            .UseOmniOutbox(services));
        builder.EnrichNpgsqlDbContext<TContext>(settings => settings.DisableRetry = true);
        return builder;
    }
}
