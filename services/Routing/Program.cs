using Omni.Messaging.Hosting;
using Omni.Routing.Agents;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Desk;
using Omni.Routing.Extensions;
using Omni.Routing.Queues;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRoutingServices();

var app = builder.Build();
await app.MigrateDbContextAsync<RoutingDbContext>();
await app.EnsureDefaultQueueAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapConversationsApi();
app.MapDeskApi();
app.MapQueuesApi();
app.MapAgentsApi();
app.MapSupervisorApi();
app.MapHub<AgentHub>(AgentHub.Path);
app.MapGrpcService<RoutingGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
