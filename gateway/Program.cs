using Omni.Gateway;
using Omni.Gateway.PartnerKeys;
using Omni.Gateway.WebChat;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Agents' tokens (validated against identity's published key) and partners' API keys (checked by identity, cached 30 s).
// Each route in appsettings.json names the policy it needs.
builder.AddOmniAuthentication();
builder.AddPartnerKeyAuthentication();
// The chat widget: /widget.js, CORS for any embedding site and a rate limit on its anonymous API.
builder.AddWebChatGateway();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver()
    .AddPartnerForwarding();

var app = builder.Build();
app.UseCorrelationId();
app.UseExceptionHandler();
app.UseWebSockets();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapReverseProxy();
app.MapWidget();
app.MapDefaultEndpoints();
app.MapFallback(NoSuchRoute.Handle);
app.Run();
