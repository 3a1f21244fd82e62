using System.Net;
using System.Net.Http.Json;
using Omni.Identity.Merging;
using Xunit;
using static Omni.Identity.Tests.TestCustomers;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Suggesting_look_alikes(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Suggests_customers_whose_email_addresses_look_alike_and_never_merges_them()
    {
        var name = Guid.NewGuid().ToString("N");
        var tagged = $"j.jansen.{name}+shop@gmail.com";
        var plain = $"jjansen{name}@gmail.com";
        var first = await fixture.NewCustomerAsync("email", tagged);
        var second = await fixture.NewCustomerAsync("email", plain);
        using var http = fixture.Service.CreateClient();

        var suggestion = Assert.Single(await OpenSuggestionsAsync(http, second));

        Assert.Equal(new[] { first, second }.Order(), new[] { suggestion.CustomerId, suggestion.OtherCustomerId }.Order());
        Assert.Equal("open", suggestion.Status);
        Assert.Contains("email", suggestion.Evidence);
        Assert.DoesNotContain("@", suggestion.Evidence);
        Assert.DoesNotContain(name, suggestion.Evidence);
        // Nothing merged: each address still finds its own customer.
        Assert.Equal(first, await fixture.ResolveAsync("email", tagged));
        Assert.Equal(second, await fixture.ResolveAsync("email", plain));
        Assert.Null((await http.GetCustomerAsync(first)).MergedIntoId);
        Assert.Null((await http.GetCustomerAsync(second)).MergedIntoId);
    }

    [Fact]
    public async Task Suggests_customers_with_one_number_on_phone_and_whatsapp()
    {
        var mobile = NewDutchMobile();
        var caller = await fixture.NewCustomerAsync("phone", mobile);
        var texter = await fixture.NewCustomerAsync("whatsapp", "+31 " + mobile[1..]);
        using var http = fixture.Service.CreateClient();

        var suggestion = Assert.Single(await OpenSuggestionsAsync(http, caller));

        Assert.Contains(texter, new[] { suggestion.CustomerId, suggestion.OtherCustomerId });
        Assert.Contains("phone", suggestion.Evidence);
        Assert.Contains("whatsapp", suggestion.Evidence);
        Assert.DoesNotContain(mobile[2..], suggestion.Evidence);
        Assert.Null((await http.GetCustomerAsync(texter)).MergedIntoId);
    }

    [Fact]
    public async Task Suggests_nothing_for_addresses_that_only_share_a_domain()
    {
        var customer = await fixture.NewCustomerAsync("email", NewEmail("anna"));
        await fixture.NewCustomerAsync("email", NewEmail("anna"));
        using var http = fixture.Service.CreateClient();

        Assert.Empty(await OpenSuggestionsAsync(http, customer));
    }

    [Fact]
    public async Task Accepting_a_suggestion_merges_the_two_and_closes_it()
    {
        var name = Guid.NewGuid().ToString("N");
        var first = await fixture.NewCustomerAsync("email", $"{name}@example.nl");
        var second = await fixture.NewCustomerAsync("email", $"{name[..8]}.{name[8..]}@example.nl");
        using var http = fixture.Service.CreateClient();
        var suggestion = Assert.Single(await OpenSuggestionsAsync(http, first));

        var merge = await Merging_customers.MergeAsync(http, first, second, "Accepted the suggestion", suggestion.Id);

        var decided = await http.GetFromJsonAsync<MergeSuggestionDto>($"/api/v1/merges/suggestions/{suggestion.Id}");
        Assert.Equal("merged", decided!.Status);
        Assert.NotNull(decided.DecidedAt);
        Assert.Empty(await OpenSuggestionsAsync(http, first));
        Assert.Equal(first, (await http.GetCustomerAsync(second)).MergedIntoId);
        Assert.Equal(second, merge.MergedId);
    }

    [Fact]
    public async Task Refuses_a_suggestion_about_other_customers()
    {
        var name = Guid.NewGuid().ToString("N");
        var first = await fixture.NewCustomerAsync("email", $"{name}@example.nl");
        var second = await fixture.NewCustomerAsync("email", $"{name}+news@example.nl");
        var stranger = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();
        var suggestion = Assert.Single(await OpenSuggestionsAsync(http, first));

        var response = await http.PostAsJsonAsync("/api/v1/merges",
            new { survivorId = first, mergedId = stranger, reason = "Wrong pair", suggestionId = suggestion.Id });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"suggestionId\"", await response.Content.ReadAsStringAsync());
        Assert.Single(await OpenSuggestionsAsync(http, second));
    }

    [Fact]
    public async Task Dismissing_a_suggestion_closes_it_without_merging()
    {
        var mobile = NewDutchMobile();
        var first = await fixture.NewCustomerAsync("phone", mobile);
        var second = await fixture.NewCustomerAsync("whatsapp", mobile);
        using var http = fixture.Service.CreateClient();
        var suggestion = Assert.Single(await OpenSuggestionsAsync(http, first));

        var response = await http.PostAsync($"/api/v1/merges/suggestions/{suggestion.Id}/dismiss", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dismissed", (await response.Content.ReadFromJsonAsync<MergeSuggestionDto>())!.Status);
        Assert.Empty(await OpenSuggestionsAsync(http, first));
        Assert.Null((await http.GetCustomerAsync(second)).MergedIntoId);
        var accept = await http.PostAsJsonAsync("/api/v1/merges",
            new { survivorId = first, mergedId = second, reason = "Changed my mind", suggestionId = suggestion.Id });
        Assert.Equal(HttpStatusCode.Conflict, accept.StatusCode);
    }

    [Fact]
    public async Task Answers_400_for_an_unknown_status()
    {
        using var http = fixture.Service.CreateClient();

        var response = await http.GetAsync("/api/v1/merges/suggestions?status=maybe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"status\"", await response.Content.ReadAsStringAsync());
    }

    private static async Task<MergeSuggestionDto[]> OpenSuggestionsAsync(HttpClient http, Guid customerId) =>
        (await http.GetFromJsonAsync<MergeSuggestionDto[]>($"/api/v1/merges/suggestions?status=open&customerId={customerId}"))!;
}
