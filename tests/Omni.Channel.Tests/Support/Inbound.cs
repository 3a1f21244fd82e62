using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omni.Channel.Messages;
using Omni.Testing;
using Xunit;

namespace Omni.Channel.Tests.Support;

/// <summary>What a client of the messages API does, in the words of the tests.</summary>
public static class Inbound
{
    /// <summary>
    /// A valid Dutch mobile number nobody has used yet in this run, as a customer would type it: 0612345678. Only 06-1…
    /// to 06-5… are drawn: libphonenumber holds 06-6…, 06-7… and 06-9… invalid, and identity would refuse them.
    /// </summary>
    public static string NewDutchMobile() => "06" + Random.Shared.Next(10_000_000, 60_000_000);

    public static string NewEmail() => $"customer.{Guid.NewGuid():N}@example.nl";

    public static object Body(string kind, string address, string text = "Where is my order?", string? channel = null, string? externalId = null) =>
        new { channel, from = new { kind, address }, text, externalId };

    public static async Task<HttpResponseMessage> PostMessageAsync(this HttpClient http, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    /// <summary>Posts a message and checks it was accepted as new.</summary>
    public static async Task<MessageDto> PostAcceptedAsync(this HttpClient http, object body)
    {
        var response = await http.PostMessageAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MessageDto>())!;
    }

    public static async Task<MessageDto> GetMessageAsync(this HttpClient http, Guid id) =>
        (await http.GetFromJsonAsync<MessageDto>($"/api/v1/messages/{id}"))!;

    /// <summary>Waits until the message has left "pending" (its sender resolved or refused) and returns it.</summary>
    public static Task<MessageDto> SettledAsync(this HttpClient http, Guid id) =>
        Eventually.Get(async () => await http.GetMessageAsync(id) is { Status: not "pending" } settled ? settled : null,
            $"message {id} to leave pending");

    /// <summary>Waits until every attachment of the message has left "pending" (fetched, refused or failed) and returns the message.</summary>
    public static Task<MessageDto> FilesSettledAsync(this HttpClient http, Guid id) =>
        Eventually.Get(async () => await http.GetMessageAsync(id) is { Attachments.Count: > 0 } m && m.Attachments.All(a => a.State != "pending") ? m : null,
            $"the files of message {id} to be fetched");

    /// <summary>The bytes of an attachment through the messages API, with the type it is served as.</summary>
    public static async Task<(byte[] Content, string? ContentType)> DownloadAsync(this HttpClient http, Guid messageId, Guid attachmentId)
    {
        var response = await http.GetAsync($"/api/v1/messages/{messageId}/attachments/{attachmentId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The field names of a validation problem's "errors".</summary>
    public static async Task<string[]> ProblemFieldsAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
    }
}
