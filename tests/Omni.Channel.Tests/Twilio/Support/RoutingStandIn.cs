using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omni.Routing.Grpc;

namespace Omni.Channel.Tests.Twilio.Support;

/// <summary>
/// Stands in for routing's gRPC API (tests only): <c>omni.routing.v1.RoutingApi/GetConversationStatus</c> on a loopback
/// HTTP/2 port, in gRPC's own framing, with the messages compiled from routing's <c>.proto</c>. It answers the status a
/// test scripted for a customer, and UNAVAILABLE for everyone else, as routing does while it is down.
/// </summary>
public sealed class RoutingStandIn : IAsyncDisposable
{
    private const string Method = "/omni.routing.v1.RoutingApi/GetConversationStatus";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConversationStatusReply> _answers = new();

    private RoutingStandIn(WebApplication app) => _app = app;

    /// <summary>Where it listens, e.g. http://127.0.0.1:40123 (the channel's <c>Omni:RoutingGrpc</c>).</summary>
    public string Address { get; private set; } = "";

    public static async Task<RoutingStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        ((IConfigurationBuilder)builder.Configuration).Sources.Clear();
        builder.Logging.ClearProviders();
        // gRPC without TLS: HTTP/2 only (prior knowledge), as routing's own "grpc" endpoint.
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var standIn = new RoutingStandIn(app);
        app.MapPost(Method, standIn.AnswerAsync);
        await app.StartAsync();
        standIn.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return standIn;
    }

    /// <summary>From now on, asked about <paramref name="customerId"/>, routing answers <paramref name="status"/>.</summary>
    public void Answer(Guid customerId, ConversationStatusReply status) => _answers[customerId.ToString()] = status;

    private async Task AnswerAsync(HttpContext context)
    {
        var request = GetConversationStatusRequest.Parser.ParseFrom(await ReadMessageAsync(context.Request));
        context.Response.ContentType = "application/grpc";
        if (!_answers.TryGetValue(request.CustomerId, out var reply))
        {
            // Trailers-only: the status in the headers, no message.
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = "routing is unavailable";
            return;
        }
        var message = reply.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(frame, 5);
        context.Response.DeclareTrailer("grpc-status");
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>One length-prefixed gRPC message: a compression flag, four bytes of length, the protobuf bytes.</summary>
    private static async Task<byte[]> ReadMessageAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4));
        return bytes.AsSpan(5, length).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
