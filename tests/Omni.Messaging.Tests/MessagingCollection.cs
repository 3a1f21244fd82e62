using Omni.Testing;
using Xunit;

// One test stops the broker; nothing else may be running when it does.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Omni.Messaging.Tests;

/// <summary>Real PostgreSQL and RabbitMQ, started once for the assembly; each test brings its own database and queues.</summary>
[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<TestInfrastructure>
{
    public const string Name = "messaging";
}
