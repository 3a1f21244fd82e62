using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Omni.Knowledge.Tests.Support;

public sealed record ValidationProblem(string? Title, Dictionary<string, string[]> Errors);

public static class Http
{
    public static void AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The 400's errors, after checking it is a problem-details 400.</summary>
    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        AssertProblem(response, HttpStatusCode.BadRequest);
        return (await response.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors;
    }

    public static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    /// <summary>A word no article holds, so tests that write articles never disturb each other's searches.</summary>
    public static string UniqueWord(string stem = "zwq") => stem + Guid.NewGuid().ToString("N")[..10].Replace('0', 'g').Replace('1', 'h')
        .Replace('2', 'k').Replace('3', 'm').Replace('4', 'p').Replace('5', 'r').Replace('6', 's').Replace('7', 't').Replace('8', 'v').Replace('9', 'w');
}
