using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;

namespace Omni.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL, Redis and RabbitMQ as local processes from the OS packages, for machines without a container engine.
/// Each listens on 127.0.0.1 only, on a port the orchestrator picks, with data under <see cref="LocalLayout.Root"/>,
/// and is stopped with the AppHost. Their health checks talk the real protocol: a bare TCP connect would be answered
/// by the orchestrator's proxy before the server is up.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class LocalServers
{
    public static OmniInfrastructure AddLocalServers(this IDistributedApplicationBuilder builder)
    {
        var layout = LocalLayout.Create(builder);
        var postgres = builder.AddLocalPostgres(layout);
        var redis = builder.AddLocalRedis(layout);
        var rabbit = builder.AddLocalRabbitMQ(layout);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Infrastructure");
            logger.LogInformation("Local servers keep their data in {Root}", layout.Root);
            if (layout.RelocatedFrom is not null)
            {
                logger.LogInformation("{Folder} is not reachable by the servers' users (a parent folder is private), so the data is in {Root}",
                    layout.RelocatedFrom, layout.Root);
            }
            return Task.CompletedTask;
        });

        return new OmniInfrastructure(
            InfrastructureMode.LocalProcesses,
            (name, database) => postgres.AddLocalDatabase(name, database).AsConnectionString(),
            redis.AsConnectionString(),
            rabbit.AsConnectionString());
    }

    private static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, LocalLayout layout)
    {
        var bin = Path.GetDirectoryName(LocalLayout.Find("PostgreSQL server", "postgresql", "/usr/lib/postgresql/*/bin/postgres", "/usr/bin/postgres"))!;
        var folder = layout.ServerDirectory("postgres", "postgres", "data", "run");
        var data = Path.Combine(folder, "data");
        var (command, prefix) = layout.RunAs("postgres", Path.Combine(bin, "postgres"));
        var password = layout.Secret("postgres");

        var server = new LocalPostgresServerResource(OmniInfrastructureExtensions.PostgresName, command, folder, password);
        var healthKey = $"{server.Name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async cancellationToken =>
            await CanQueryAsync(await server.ConnectionStringExpression.GetValueAsync(cancellationToken), cancellationToken));

        // initdb once, as its own step, before the first start (about 2 s).
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (@event, _) =>
        {
            if (File.Exists(Path.Combine(data, "PG_VERSION"))) return Task.CompletedTask;
            var log = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            log.LogInformation("Creating a new PostgreSQL cluster in {Data}", data);
            var passwordFile = Path.Combine(folder, ".initdb-password");
            File.WriteAllText(passwordFile, password);
            try
            {
                if (layout.RunAsRoot) LocalLayout.Run("chown", "postgres:postgres", passwordFile);
                var (initCommand, initPrefix) = layout.RunAs("postgres", Path.Combine(bin, "initdb"));
                LocalLayout.Run(initCommand, [.. initPrefix, "-D", data, "-U", "postgres", $"--pwfile={passwordFile}",
                    "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--no-locale"]);
            }
            finally
            {
                File.Delete(passwordFile);
            }
            return Task.CompletedTask;
        });

        return builder.AddResource(server)
            .WithArgs([.. prefix, "-D", data, "-k", Path.Combine(folder, "run"), "-c", "listen_addresses=127.0.0.1",
                // Room for every service's pool (4 × 40) plus migrations, tools and health checks.
                "-c", "max_connections=200"])
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "PGPORT")
            // Services connect to the server itself: the orchestrator's proxy in between cost CPU on every query.
            .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
            .WithHealthCheck(healthKey)
            .WithIconName("Database")
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string databaseName)
    {
        var builder = server.ApplicationBuilder;
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);
        var healthKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async cancellationToken =>
            await CanQueryAsync(await database.ConnectionStringExpression.GetValueAsync(cancellationToken), cancellationToken));

        // Like Aspire's own database resources: created once the server answers, then reported running.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (@event, cancellationToken) =>
        {
            var connectionString = await server.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await using (var connection = new NpgsqlConnection(connectionString + ";Database=postgres;Pooling=false"))
            {
                await connection.OpenAsync(cancellationToken);
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName}\"", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", databaseName)],
            })
            .WithHealthCheck(healthKey)
            .WithIconName("DatabaseStack")
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, LocalLayout layout)
    {
        var binary = LocalLayout.Find("Redis server", "redis-server", "/usr/bin/redis-server");
        var folder = layout.ServerDirectory("redis", "redis");
        var (command, prefix) = layout.RunAs("redis", binary);
        var password = layout.Secret("redis");

        var redis = new LocalRedisResource(OmniInfrastructureExtensions.SessionCacheName, command, folder, password);
        var healthKey = $"{redis.Name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async cancellationToken =>
        {
            try
            {
                var options = StackExchange.Redis.ConfigurationOptions.Parse(await redis.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "");
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 2000;
                await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy(ex.GetBaseException().Message);
            }
        });

        var endpoint = new EndpointReference(redis, "tcp");
        return builder.AddResource(redis)
            .WithArgs(context =>
            {
                foreach (var arg in prefix) context.Args.Add(arg);
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                // The session context is a cache of the services' databases; an append-only file makes restarts warm.
                foreach (var arg in new[] { "--bind", "127.0.0.1", "--protected-mode", "yes", "--dir", folder,
                             "--appendonly", "yes", "--save", "", "--requirepass", password, "--daemonize", "no" })
                {
                    context.Args.Add(arg);
                }
            })
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "REDIS_PORT")
            .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
            .WithHealthCheck(healthKey)
            .WithIconName("Memory")
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, LocalLayout layout)
    {
        var binary = LocalLayout.Find("RabbitMQ server", "rabbitmq-server", "/usr/lib/rabbitmq/bin/rabbitmq-server");
        var password = layout.Secret("rabbitmq");
        var folder = Path.Combine(layout.Root, "rabbitmq");
        Directory.CreateDirectory(folder);
        // Read on first boot only (the user is created with the node's database); kept in step with the secret.
        File.WriteAllText(Path.Combine(folder, "rabbitmq.conf"),
            $"default_user = {LocalRabbitMQResource.UserName}\ndefault_pass = {password}\n");
        File.WriteAllText(Path.Combine(folder, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(folder, "rabbitmq-env.conf"), "# Omni sets everything through the environment.\n");
        folder = layout.ServerDirectory("rabbitmq", "rabbitmq", "home", "mnesia", "log");
        var (command, prefix) = layout.RunAs("rabbitmq", binary);

        var rabbit = new LocalRabbitMQResource(OmniInfrastructureExtensions.BusName, command, folder, password);
        var healthKey = $"{rabbit.Name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthKey, async cancellationToken =>
        {
            try
            {
                var factory = new ConnectionFactory { Uri = new Uri(await rabbit.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "") };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy(ex.GetBaseException().Message);
            }
        });

        return builder.AddResource(rabbit)
            .WithArgs(prefix)
            // The Debian wrapper runs five processes and orphans them when killed; this runs one Erlang VM.
            .WithEnvironment("RUNNING_UNDER_SYSTEMD", "true")
            .WithEnvironment("HOME", Path.Combine(folder, "home"))
            .WithEnvironment("RABBITMQ_NODENAME", $"omni-{layout.Id}@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}")
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(folder, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(folder, "log"))
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(folder, "rabbitmq.conf"))
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", Path.Combine(folder, "rabbitmq-env.conf"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(folder, "enabled_plugins"))
            .WithEnvironment("RABBITMQ_ADVANCED_CONFIG_FILE", Path.Combine(folder, "advanced.config"))
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(folder, "rabbit.pid"))
            .WithEndpoint(name: "tcp", scheme: "tcp", env: "RABBITMQ_NODE_PORT")
            .WithEndpoint(name: "dist", scheme: "tcp", env: "RABBITMQ_DIST_PORT")
            .WithAnnotation(new ProxySupportAnnotation { ProxyEnabled = false })
            .WithHealthCheck(healthKey)
            .WithIconName("Mail")
            .ExcludeFromManifest();
    }

    private static async Task<HealthCheckResult> CanQueryAsync(string? connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy(ex.GetBaseException().Message);
        }
    }
}
