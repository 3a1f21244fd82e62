using Omni.Identity.Customers;
using Omni.Testing;
using Xunit;

namespace Omni.Identity.Tests;

/// <summary>Real servers plus the identity service hosted in-process, shared by the tests of this assembly.</summary>
public sealed class IdentityServiceFixture : IAsyncLifetime
{
    public TestInfrastructure Infrastructure { get; } = new();

    public ServiceFactory<IdentityGrpcService> Service { get; private set; } = null!;

    public Grpc.IdentityApi.IdentityApiClient Grpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        Service = new ServiceFactory<IdentityGrpcService>(Infrastructure);
        Grpc = new Grpc.IdentityApi.IdentityApiClient(Service.CreateGrpcChannel());
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityServiceFixture>
{
    public const string Name = "identity";
}
