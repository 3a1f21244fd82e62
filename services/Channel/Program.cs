using Omni.Channel.Data;
using Omni.Channel.Extensions;
using Omni.Channel.Messages;
using Omni.Messaging.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChannelServices();

var app = builder.Build();
await app.MigrateDbContextAsync<ChannelDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapMessagesApi();
app.MapGrpcService<ChannelGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
