using Omni.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();
app.UseCorrelationId();
app.UseExceptionHandler();
// Requests no route matches get a problem-details 404; proxied responses pass through untouched.
app.UseStatusCodePages();
app.UseWebSockets();
app.MapReverseProxy();
app.MapDefaultEndpoints();
app.Run();
