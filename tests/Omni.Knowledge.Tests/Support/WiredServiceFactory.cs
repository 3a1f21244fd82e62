using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Omni.Testing;

namespace Omni.Knowledge.Tests.Support;

/// <summary>
/// <see cref="ConnectedServiceFactory{TEntryPoint}"/> plus plain HTTP clients: a service hosted in-process whose gRPC
/// clients (by client name) and named HTTP clients (identity's JWKS) reach other in-process services. Only the address
/// and the innermost handler change: resilience, discovery and telemetry handlers stay in the pipeline.
/// </summary>
public sealed class WiredServiceFactory<TEntryPoint>(
    TestInfrastructure infrastructure,
    IReadOnlyDictionary<string, GrpcServer> grpcClients,
    IReadOnlyDictionary<string, GrpcServer> httpClients,
    IReadOnlyDictionary<string, string?> settings)
    : ServiceFactory<TEntryPoint>(infrastructure, settings)
    where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var (name, server) in grpcClients)
            {
                // Runs after the service's own AddGrpcClient configuration, so this address wins.
                services.Configure<GrpcClientFactoryOptions>(name, options => options.Address = server.Address);
                if (server.Handler is { } handler) services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(handler);
            }
            foreach (var (name, server) in httpClients)
            {
                if (server.Handler is { } handler) services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(handler);
            }
        });
    }
}
