using Omni.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();
app.UseCorrelationId();
app.UseExceptionHandler();
app.UseWebSockets();
app.MapReverseProxy();
app.MapDefaultEndpoints();
app.MapFallback(NoSuchRoute.Handle);
app.Run();
