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
    // Identity signs agents' tokens; its key and the first admin's password are made on first run in .omni/secrets/.
    var identity = builder.AddProject<Projects.Omni_Identity>("identity")
        .WithSharedMachineRuntime()
        .WithReference(identityDb).WaitFor(identityDb)
        .WithReference(bus).WaitFor(bus)
        .WithSigningKeyAndBootstrapAdmin()
        .WithDemoWebsite()
        .WithHttpHealthCheck("/health");

    // Channel does not wait for identity: messages are accepted and stored while identity is away.
    var channel = builder.AddProject<Projects.Omni_Channel>("channel")
        .WithSharedMachineRuntime()
        .WithReference(channelDb).WaitFor(channelDb)
        .WithReference(sessionCache).WaitFor(sessionCache) // web chat's SignalR backplane
        .WithReference(bus).WaitFor(bus)
        .WithReference(identity)
        .WithHttpHealthCheck("/health")
        // The support mailboxes' SMTP listener (Channel:Smtp:Port); a public MX relays mail for them to it.
        .WithEndpoint(name: "smtp", scheme: "tcp", env: "Channel__Smtp__Port")
        // ./omni up's demo: a widget, a Twilio number, a WhatsApp number and a mailbox, credentials in .omni/secrets/.
        .WithDemoChannelAccounts();

    var routing = builder.AddProject<Projects.Omni_Routing>("routing")
        .WithSharedMachineRuntime()
        .WithReference(routingDb).WaitFor(routingDb)
        .WithReference(sessionCache).WaitFor(sessionCache)
        .WithReference(bus).WaitFor(bus)
        .WithReference(channel)
        .WithReference(identity) // agents' tokens (its public key) and the agent directory
        .WithHttpHealthCheck("/health");

    // Knowledge validates agents' tokens with identity's public key, reads customers' preferred language from identity
    // and their messages from the channel (for suggestions); none of it is needed to start, so no waits.
    var knowledge = builder.AddProject<Projects.Omni_Knowledge>("knowledge")
        .WithSharedMachineRuntime()
        .WithReference(knowledgeDb).WaitFor(knowledgeDb)
        .WithReference(bus).WaitFor(bus)
        .WithReference(sessionCache).WaitFor(sessionCache) // the bot reads and adds to the customer's session context
        .WithReference(identity)
        .WithReference(channel)
        // The demo's help centre (services/Knowledge/HelpCentre), imported at start; importing again changes nothing.
        .WithEnvironment("Knowledge__SeedHelpCentre", "true")
        .WithHttpHealthCheck("/health");

    var gateway = builder.AddProject<Projects.Omni_Gateway>("gateway")
        .WithSharedMachineRuntime()
        .WithReference(channel).WaitFor(channel)
        .WithReference(identity).WaitFor(identity)
        .WithReference(routing).WaitFor(routing)
        .WithReference(knowledge).WaitFor(knowledge)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints();

    // Providers call the gateway and Twilio signs the URL it called, so channel must know the gateway's address.
    // Channel asks routing (no wait: a caller is greeted without it) where a caller's conversation stands.
    channel
        .WithEnvironment("Channel__PublicBaseUrl", gateway.GetEndpoint("http"))
        .WithReference(routing);
}

builder.Build().Run();
