using Microsoft.Extensions.Configuration;
using Omni.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL (a database per service), Redis and RabbitMQ: containers, local servers or given connection strings.
var infrastructure = builder.AddOmniInfrastructure();
var identityDb = infrastructure.AddDatabase("identity-db", "identity");
var channelDb = infrastructure.AddDatabase("channel-db", "channel");
var routingDb = infrastructure.AddDatabase("routing-db", "routing");
var knowledgeDb = infrastructure.AddDatabase("knowledge-db", "knowledge");
var sessionCache = infrastructure.SessionCache;
var bus = infrastructure.Bus;

// Service tests start only the servers and host the service under test themselves.
if (!builder.Configuration.GetValue("Omni:InfrastructureOnly", false))
{
    var identity = builder.AddProject<Projects.Omni_Identity>("identity")
        .WithReference(identityDb).WaitFor(identityDb)
        .WithReference(bus).WaitFor(bus)
        .WithHttpHealthCheck("/health");

    // Channel does not wait for identity: messages are accepted and stored while identity is away.
    var channel = builder.AddProject<Projects.Omni_Channel>("channel")
        .WithReference(channelDb).WaitFor(channelDb)
        .WithReference(bus).WaitFor(bus)
        .WithReference(identity)
        .WithHttpHealthCheck("/health");

    var routing = builder.AddProject<Projects.Omni_Routing>("routing")
        .WithReference(routingDb).WaitFor(routingDb)
        .WithReference(sessionCache).WaitFor(sessionCache)
        .WithReference(bus).WaitFor(bus)
        .WithReference(channel)
        .WithHttpHealthCheck("/health");

    var knowledge = builder.AddProject<Projects.Omni_Knowledge>("knowledge")
        .WithReference(knowledgeDb).WaitFor(knowledgeDb)
        .WithReference(bus).WaitFor(bus)
        .WithHttpHealthCheck("/health");

    builder.AddProject<Projects.Omni_Gateway>("gateway")
        .WithReference(channel).WaitFor(channel)
        .WithReference(identity).WaitFor(identity)
        .WithReference(routing).WaitFor(routing)
        .WithReference(knowledge).WaitFor(knowledge)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints();
}

builder.Build().Run();
