using System.Net.Http.Json;
using Omni.Channel.Messages;
using Omni.Channel.Tests.Support;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.WhatsApp;

/// <summary>A customer who wrote to a business number on WhatsApp, resolved by identity.</summary>
public sealed record WhatsAppCustomer(WhatsAppNumber Number, string WaId, Guid CustomerId, string LastWamid);

public static class WhatsAppConversation
{
    /// <summary>A new business number (sending through <paramref name="graph"/>) and a new customer who just wrote to it.</summary>
    public static async Task<WhatsAppCustomer> CustomerWroteAsync(this HttpClient http, GraphApiStandIn graph, WhatsAppRows rows)
    {
        var number = await http.CreateWhatsAppAccountAsync(graph.BaseAddress);
        var (waId, wamid) = (MetaWebhook.NewWaId(), MetaWebhook.NewWamid());
        await http.PostAcknowledgedAsync(MetaWebhook.Messages(number.PhoneNumberId, waId, "Sanne", MetaWebhook.Text(waId, wamid, "Kunt u mij helpen?")),
            number.AppSecret);
        var settled = await http.SettledAsync((await rows.MessageAsync(wamid))!.Id);
        Assert.Equal("received", settled.Status);
        return new WhatsAppCustomer(number, waId, settled.CustomerId!.Value, wamid);
    }

    public static Task<HttpResponseMessage> SendOutboundAsync(this HttpClient http, object request) =>
        http.PostAsJsonAsync("/api/v1/messages/outbound", request);

    /// <summary>Waits until an outbound message has left "queued" and returns it.</summary>
    public static Task<MessageDto> HandedOverAsync(this HttpClient http, Guid id) =>
        Eventually.Get(async () => await http.GetMessageAsync(id) is { Status: not "queued" } done ? done : null, $"message {id} to leave queued");
}
