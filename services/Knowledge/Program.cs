using Omni.Knowledge.Articles;
using Omni.Knowledge.Data;
using Omni.Knowledge.Extensions;
using Omni.Knowledge.Feedback;
using Omni.Knowledge.Import;
using Omni.Knowledge.Search;
using Omni.Knowledge.Suggestions;
using Omni.Messaging.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddKnowledgeServices();

var app = builder.Build();
await app.MigrateDbContextAsync<KnowledgeDbContext>();
await app.SeedHelpCentreAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapSearchApi();
app.MapImportExportApi();
app.MapFeedbackApi();
app.MapArticlesApi();
app.MapSuggestionsApi();
app.MapGrpcService<KnowledgeGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
