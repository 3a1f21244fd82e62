using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Omni.Testing;

/// <summary>
/// Hosts one Omni service in the test process against the <see cref="TestInfrastructure"/> servers.
/// <typeparamref name="TEntryPoint"/> is any public type of the service's assembly (its Program is not reachable by name
/// when a test hosts two services).
/// </summary>
public class ServiceFactory<TEntryPoint>(TestInfrastructure infrastructure, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    public TestInfrastructure Infrastructure { get; } = infrastructure;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A gRPC channel to the service's in-memory server.</summary>
    public GrpcChannel CreateGrpcChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
}
