using Omni.Identity.Agents;
using Omni.Identity.Customers;
using Omni.Identity.Data;
using Omni.Identity.Extensions;
using Omni.Identity.Merging;
using Omni.Identity.Partners;
using Omni.Identity.Privacy;
using Omni.Identity.Verification;
using Omni.Messaging.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();
await app.MigrateDbContextAsync<IdentityDbContext>();
await app.EnsureBootstrapAdminAsync();
await app.EnsureDemoWebsiteAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapCustomersApi();
app.MapSignInApi();
app.MapAgentsApi();
app.MapPartnerKeysApi();
app.MapVerificationApi();
app.MapWebsitesApi();
app.MapMergesApi();
app.MapPrivacyApi();
app.MapGrpcService<IdentityGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
