using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using Omni.Testing;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerServices = SmtpServer.ComponentModel.ServiceProvider;

namespace Omni.Channel.Tests.Email;

/// <summary>
/// Stands in for the outbound relay: a real SMTP server on 127.0.0.1 that records what it is given. It can refuse a
/// recipient for good (550) or defer the first deliveries (451), as a real relay does.
/// </summary>
public sealed class RelayStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private int _deferrals;

    private RelayStandIn(int port, int deferrals, Func<string, bool> refuses, TaskCompletionSource<int> started)
    {
        _deferrals = deferrals;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("relay.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var services = new SmtpServerServices();
        services.Add((IEndpointListenerFactory)listeners);
        services.Add(new Filter(refuses));
        services.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(CancellationToken.None);
    }

    public int Port { get; private set; }

    public IReadOnlyCollection<MimeMessage> Received => _received.ToArray();

    /// <summary>Starts on <paramref name="port"/> (0: a free one); the first <paramref name="deferrals"/> deliveries are answered 451.</summary>
    public static async Task<RelayStandIn> StartAsync(int port = 0, int deferrals = 0, Func<string, bool>? refuses = null)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var relay = new RelayStandIn(port, deferrals, refuses ?? (_ => false), started);
        var first = await Task.WhenAny(started.Task, relay._running);
        if (first == relay._running) await relay._running;
        relay.Port = await started.Task;
        return relay;
    }

    /// <summary>A loopback port nobody listens on (yet): the address of a relay that is down.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, string what) =>
        Eventually.Get(() => Task.FromResult(_received.FirstOrDefault(match)), what);

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException) { }
    }

    private sealed class Filter(Func<string, bool> refuses) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!refuses(to.AsAddress()));
    }

    private sealed class Store(RelayStandIn relay) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref relay._deferrals) >= 0)
            {
                return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Try again later");
            }
            using var stream = new MemoryStream(buffer.ToArray());
            relay._received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
