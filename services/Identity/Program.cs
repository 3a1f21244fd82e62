using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Identity.Extensions;
using Omni.Identity.Verification;
using Omni.Messaging.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();
await app.MigrateDbContextAsync<IdentityDbContext>();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapCustomersApi();
app.MapVerificationApi();
app.MapGrpcService<IdentityGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
