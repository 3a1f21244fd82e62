using System.Net;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Storage;
using SmtpServerServices = SmtpServer.ComponentModel.ServiceProvider;

namespace Omni.Channel.Email;

/// <summary>
/// The SMTP server of the support mailboxes, hosted in the channel service on <c>Channel:Smtp:Host</c> and
/// <c>Channel:Smtp:Port</c> (the AppHost's <c>smtp</c> endpoint). Without a port it stays off.
/// </summary>
public sealed class SmtpListener(
    SupportMailboxFilter filter,
    EmailMessageStore store,
    IOptions<SmtpListenerOptions> options,
    ILogger<SmtpListener> logger) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<EndPoint> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    /// <summary>Where it listens once started (the real port when configured with 0); null when off.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Port is not { } port)
        {
            logger.LogInformation("SMTP listener off: Channel:Smtp:Port is not set");
            return;
        }

        var endpoint = new IPEndPoint(IPAddress.Parse(settings.Host), port);
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName)
            .Endpoint(e => e.Endpoint(endpoint))
            // SIZE is advertised and checked at MAIL FROM; the store holds clients that do not declare it to the limit.
            .MaxMessageSize(settings.MaxMessageSize, MaxMessageSizeHandling.Ignore)
            .CommandWaitTimeout(settings.CommandTimeout)
            .Build();

        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => _started.TrySetResult(e.LocalEndPoint);
        var services = new SmtpServerServices();
        services.Add((IMailboxFilter)filter);
        services.Add((IMessageStore)store);
        services.Add((IEndpointListenerFactory)listeners);

        _server = new SmtpServer.SmtpServer(serverOptions, services);
        _server.SessionFaulted += (_, e) => logger.LogWarning(e.Exception, "SMTP session {SessionId} failed", e.Context.SessionId);
        _running = _server.StartAsync(CancellationToken.None);

        // Binding happens as the server starts; a port in use fails the service's start rather than going unnoticed.
        var first = await Task.WhenAny(_started.Task, _running).WaitAsync(cancellationToken);
        if (first == _running) await _running;
        LocalEndPoint = (IPEndPoint)await _started.Task;
        logger.LogInformation("SMTP listener on {EndPoint}", LocalEndPoint);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null || _running is null) return;
        // Open sessions are cancelled: a message not yet stored is answered 4xx and its sender delivers it again.
        _server.Shutdown();
        try
        {
            await _running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        _server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
