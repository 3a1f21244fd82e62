using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Omni.Messaging.Inbox;
using Omni.Messaging.Outbox;

namespace Omni.Messaging;

public static class MessagingExtensions
{
    /// <summary>The connection string name of the broker in the AppHost.</summary>
    public const string BusConnectionName = "bus";

    /// <summary>
    /// Adds MassTransit on RabbitMQ (connection string "bus", publisher confirms), the outbox dispatcher and the inbox
    /// for <typeparamref name="TContext"/>. Queues are named "{service}-{consumer}" in kebab case.
    /// </summary>
    public static IHostApplicationBuilder AddOmniMessaging<TContext>(
        this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? configure = null)
        where TContext : DbContext
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxSaveChangesInterceptor>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Omni:Outbox");
        builder.Services.AddScoped<IInbox, Inbox<TContext>>();
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();

        var connectionString = builder.Configuration.GetConnectionString(BusConnectionName)
            ?? throw new InvalidOperationException($"Connection string '{BusConnectionName}' is missing: the AppHost provides it, or set ConnectionStrings__{BusConnectionName}.");

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.ConfigureHost(new Uri(connectionString));
                rabbit.ConfigureEndpoints(context);
            });
        });

        return builder;
    }

    /// <summary>Adds the outbox interceptor that wakes the dispatcher when a transaction with events commits.</summary>
    public static DbContextOptionsBuilder UseOmniOutbox(this DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<OutboxSaveChangesInterceptor>());

    /// <summary>Runs every consumer on this endpoint through the inbox; put retries before it so each attempt is one transaction.</summary>
    public static void UseInbox(this IConsumePipeConfigurator configurator, IRegistrationContext context) =>
        configurator.UseConsumeFilter(typeof(InboxFilter<>), context);

    private static void ConfigureHost(this IRabbitMqBusFactoryConfigurator rabbit, Uri uri)
    {
        var virtualHost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var credentials = uri.UserInfo.Split(':', 2);
        rabbit.Host(uri.Host, (ushort)(uri.IsDefaultPort ? 5672 : uri.Port), string.IsNullOrEmpty(virtualHost) ? "/" : virtualHost, host =>
        {
            if (credentials[0].Length > 0) host.Username(Uri.UnescapeDataString(credentials[0]));
            if (credentials.Length > 1) host.Password(Uri.UnescapeDataString(credentials[1]));
            // The outbox marks a row sent only after the broker has confirmed it.
            host.PublisherConfirmation = true;
        });
    }
}
