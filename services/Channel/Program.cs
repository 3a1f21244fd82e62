using Omni.Channel.Data;
using Omni.Channel.Extensions;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using Omni.Channel.Outbound;
using Omni.Channel.Partner;
using Omni.Channel.Twilio;
using Omni.Channel.WebChat;
using Omni.Channel.WhatsApp;
using Omni.Messaging.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChannelServices();

var app = builder.Build();
await app.MigrateDbContextAsync<ChannelDbContext>();
await app.SeedDemoAccountsAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapMessagesApi();
app.MapOutboundApi();
app.MapChannelAccountsApi();
app.MapWhatsAppWebhooks();
app.MapTwilioWebhooks();
app.MapWebChatApi();
app.MapPartnerApi();
app.MapGrpcService<ChannelGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();
app.Run();
