using Omni.Messaging.Hosting;
using Omni.Routing.Conversations;
using Omni.Routing.Data;
using Omni.Routing.Extensions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRoutingServices();

var app = builder.Build();
await app.MigrateDbContextAsync<RoutingDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapConversationsApi();
app.MapGrpcService<RoutingGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
