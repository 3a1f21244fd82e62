using Omni.Messaging.Hosting;
using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Extensions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddKnowledgeServices();

var app = builder.Build();
await app.MigrateDbContextAsync<KnowledgeDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapArticlesApi();
app.MapGrpcService<KnowledgeGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
