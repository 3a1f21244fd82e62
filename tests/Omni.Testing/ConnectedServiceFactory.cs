using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Omni.Testing;

/// <summary>Where one of a service's gRPC clients goes: an address, and for an in-process server the handler that reaches it.</summary>
public sealed record GrpcServer(Uri Address, Func<HttpMessageHandler>? Handler = null)
{
    /// <summary>Another service hosted in this process; its TestServer is reached through its in-memory handler.</summary>
    public static GrpcServer InProcess<T>(ServiceFactory<T> service) where T : class =>
        new(service.Server.BaseAddress, service.Server.CreateHandler);

    /// <summary>A real address on the network, reachable or not.</summary>
    public static GrpcServer At(string address) => new(new Uri(address));
}

/// <summary>
/// A service hosted in-process whose gRPC clients (by their client name, e.g. "IdentityApiClient") are pointed at other
/// servers. Only the address and the innermost handler change: the service's own resilience, discovery and
/// telemetry handlers stay in the pipeline.
/// </summary>
public sealed class ConnectedServiceFactory<TEntryPoint>(
    TestInfrastructure infrastructure,
    IReadOnlyDictionary<string, GrpcServer> grpcClients,
    IReadOnlyDictionary<string, string?>? settings = null)
    : ServiceFactory<TEntryPoint>(infrastructure, settings)
    where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var (clientName, server) in grpcClients)
            {
                // Runs after the service's own AddGrpcClient configuration, so this address wins.
                services.Configure<GrpcClientFactoryOptions>(clientName, options => options.Address = server.Address);
                if (server.Handler is { } handler)
                {
                    services.AddHttpClient(clientName).ConfigurePrimaryHttpMessageHandler(handler);
                }
            }
        });
    }
}
