using System.Net;
using System.Net.Http.Json;
using Omni.Identity.Customers;
using Omni.Identity.Merging;
using Xunit;
using static Omni.Identity.Tests.TestCustomers;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Merging_customers(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Moves_the_identities_to_the_survivor_and_resolve_then_finds_the_survivor()
    {
        var email = NewEmail();
        var mobile = NewDutchMobile();
        var survivor = await fixture.NewCustomerAsync("email", email);
        var merged = await fixture.NewCustomerAsync("phone", mobile);
        await fixture.SetProfileAsync(survivor, null, "nl", null, new() { ["city"] = "Amsterdam" });
        await fixture.SetProfileAsync(merged, "Jan Jansen", "en", "gold", new() { ["city"] = "Utrecht", ["customerNumber"] = "C-1" });
        using var http = fixture.Service.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = survivor, mergedId = merged, reason = "Same person, confirmed by phone" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var merge = (await response.Content.ReadFromJsonAsync<MergeDto>())!;
        var after = await http.GetCustomerAsync(survivor);
        Assert.Equal(2, after.Identities.Count);
        Assert.Single(merge.MovedIdentityIds);
        // The survivor keeps what it had and takes only what it lacked.
        Assert.Equal("Jan Jansen", after.DisplayName);
        Assert.Equal("nl", after.PreferredLanguage);
        Assert.Equal("gold", after.VipTier);
        Assert.Equal("Amsterdam", after.Attributes!["city"]);
        Assert.Equal("C-1", after.Attributes["customerNumber"]);

        var gone = await http.GetCustomerAsync(merged);
        Assert.Equal(survivor, gone.MergedIntoId);
        Assert.Empty(gone.Identities);
        Assert.Equal(survivor, await fixture.ResolveAsync("phone", mobile));
        Assert.Equal(1, await fixture.OutboxCountAsync("CustomersMerged", "mergeId", merge.Id));
    }

    [Fact]
    public async Task Undo_restores_both_customers_exactly()
    {
        var survivor = await fixture.NewCustomerAsync("email", NewEmail());
        var merged = await fixture.NewCustomerAsync("whatsapp", NewDutchMobile());
        await fixture.NewCustomerAsync("email", NewEmail()); // someone else, untouched
        await fixture.SetProfileAsync(survivor, "J. Jansen", null, null, new() { ["city"] = "Amsterdam" });
        await fixture.SetProfileAsync(merged, "Jan Jansen", "en", "gold", new() { ["city"] = "Utrecht", ["customerNumber"] = "C-2" });
        using var http = fixture.Service.CreateClient();
        var survivorBefore = await http.GetCustomerAsync(survivor);
        var mergedBefore = await http.GetCustomerAsync(merged);
        var merge = await MergeAsync(http, survivor, merged);

        var response = await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Two different people after all" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSameCustomer(survivorBefore, await http.GetCustomerAsync(survivor));
        AssertSameCustomer(mergedBefore, await http.GetCustomerAsync(merged));
        Assert.Equal(1, await fixture.OutboxCountAsync("CustomersUnmerged", "mergeId", merge.Id));
    }

    [Fact]
    public async Task Undo_moves_back_only_the_identities_that_moved()
    {
        var survivorEmail = NewEmail();
        var mergedEmail = NewEmail();
        var survivor = await fixture.NewCustomerAsync("email", survivorEmail);
        var merged = await fixture.NewCustomerAsync("email", mergedEmail);
        using var http = fixture.Service.CreateClient();
        var merge = await MergeAsync(http, survivor, merged);

        (await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Wrong customer" })).EnsureSuccessStatusCode();

        Assert.Equal(survivor, await fixture.ResolveAsync("email", survivorEmail));
        Assert.Equal(merged, await fixture.ResolveAsync("email", mergedEmail));
    }

    [Fact]
    public async Task Shows_who_merged_and_undid_when_and_why()
    {
        var (agent, password) = await fixture.NewAgentAsync("agent");
        var survivor = await fixture.NewCustomerAsync("email", NewEmail());
        var merged = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.CreateClient(await fixture.SignInAsync(agent.Email, password));
        var merge = await MergeAsync(http, survivor, merged, "Customer called from the new number");
        (await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Customer says it is his wife's number" })).EnsureSuccessStatusCode();

        foreach (var customer in new[] { survivor, merged })
        {
            var trail = await http.GetFromJsonAsync<MergeDto[]>($"/api/v1/merges?customerId={customer}");
            var entry = Assert.Single(trail!);
            Assert.Equal(merge.Id, entry.Id);
            Assert.Equal(agent.Id, entry.MergedBy);
            Assert.Equal("Customer called from the new number", entry.Reason);
            Assert.True(entry.MergedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.Equal(agent.Id, entry.UndoneBy);
            Assert.Equal("Customer says it is his wife's number", entry.UndoReason);
            Assert.NotNull(entry.UndoneAt);
            Assert.True(entry.UndoneAt >= entry.MergedAt);
        }
        var one = await http.GetFromJsonAsync<MergeDto>($"/api/v1/merges/{merge.Id}");
        Assert.Equal(survivor, one!.SurvivorId);
        Assert.Equal(merged, one.MergedId);
    }

    [Fact]
    public async Task Refuses_to_merge_a_customer_into_itself()
    {
        var customer = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = customer, mergedId = customer, reason = "Oops" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"survivorId\"", body);
        Assert.Contains("\"mergedId\"", body);
    }

    [Fact]
    public async Task Requires_a_reason()
    {
        var survivor = await fixture.NewCustomerAsync("email", NewEmail());
        var merged = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();

        var missing = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = survivor, mergedId = merged });
        var tooLong = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = survivor, mergedId = merged, reason = new string('x', 501) });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("\"reason\"", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Null((await http.GetCustomerAsync(merged)).MergedIntoId);
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_customer()
    {
        var known = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = known, mergedId = Guid.CreateVersion7(), reason = "Same person" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("mergedId", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refuses_to_merge_a_customer_that_is_merged_already()
    {
        var first = await fixture.NewCustomerAsync("email", NewEmail());
        var second = await fixture.NewCustomerAsync("email", NewEmail());
        var merged = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();
        await MergeAsync(http, first, merged);

        var again = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = second, mergedId = merged, reason = "Same person" });
        var into = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = merged, mergedId = second, reason = "Same person" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Conflict, into.StatusCode);
    }

    [Fact]
    public async Task Lets_exactly_one_of_two_racing_merges_win()
    {
        using var http = fixture.Service.CreateClient();
        for (var round = 0; round < 5; round++)
        {
            var a = await fixture.NewCustomerAsync("email", NewEmail());
            var b = await fixture.NewCustomerAsync("email", NewEmail());
            var c = await fixture.NewCustomerAsync("email", NewEmail());

            // Round by round: one customer merged into two survivors at once, then two customers merged into each other.
            var (first, second) = round % 2 == 0 ? ((a, b), (c, b)) : ((a, b), (b, a));
            var responses = await Task.WhenAll(
                http.PostAsJsonAsync("/api/v1/merges", new { survivorId = first.Item1, mergedId = first.Item2, reason = "race" }),
                http.PostAsJsonAsync("/api/v1/merges", new { survivorId = second.Item1, mergedId = second.Item2, reason = "race" }));

            var statuses = responses.Select(r => r.StatusCode).Order().ToArray();
            Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, statuses);
            var winner = (await responses.Single(r => r.IsSuccessStatusCode).Content.ReadFromJsonAsync<MergeDto>())!;
            var trail = await http.GetFromJsonAsync<MergeDto[]>($"/api/v1/merges?customerId={b}");
            Assert.Equal(winner.Id, Assert.Single(trail!).Id);
            var customers = await Task.WhenAll(new[] { a, b, c }.Select(http.GetCustomerAsync));
            Assert.Equal(3, customers.Sum(x => x.Identities.Count));
            Assert.Equal(winner.SurvivorId, Assert.Single(customers, x => x.MergedIntoId is not null).MergedIntoId);
        }
    }

    [Fact]
    public async Task Undoes_a_merge_once()
    {
        var survivor = await fixture.NewCustomerAsync("email", NewEmail());
        var merged = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();
        var merge = await MergeAsync(http, survivor, merged);
        (await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Mistake" })).EnsureSuccessStatusCode();

        var again = await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Mistake" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Will_not_undo_while_the_survivor_is_merged_into_someone_else()
    {
        var first = await fixture.NewCustomerAsync("email", NewEmail());
        var second = await fixture.NewCustomerAsync("email", NewEmail());
        var third = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();
        var earlier = await MergeAsync(http, second, first);
        var later = await MergeAsync(http, third, second);

        var blocked = await http.PostAsJsonAsync($"/api/v1/merges/{earlier.Id}/undo", new { reason = "Mistake" });

        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Contains(later.Id.ToString(), await blocked.Content.ReadAsStringAsync());
        (await http.PostAsJsonAsync($"/api/v1/merges/{later.Id}/undo", new { reason = "Mistake" })).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/v1/merges/{earlier.Id}/undo", new { reason = "Mistake" })).EnsureSuccessStatusCode();
        var customers = await Task.WhenAll(new[] { first, second, third }.Select(http.GetCustomerAsync));
        Assert.All(customers, c => Assert.Single(c.Identities));
        Assert.All(customers, c => Assert.Null(c.MergedIntoId));
    }

    [Fact]
    public async Task Describes_merges_suggestions_and_privacy_in_the_openapi_document()
    {
        using var http = fixture.Service.CreateClient();

        var document = await http.GetStringAsync("/openapi/v1.json");

        foreach (var operation in new[] { "MergeCustomers", "UndoMerge", "ListMerges", "ListMergeSuggestions", "DismissMergeSuggestion", "ExportCustomer", "EraseCustomer" })
        {
            Assert.Contains($"\"{operation}\"", document);
        }
    }

    internal static async Task<MergeDto> MergeAsync(HttpClient http, Guid survivor, Guid merged, string reason = "Same person", Guid? suggestionId = null)
    {
        var response = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = survivor, mergedId = merged, reason, suggestionId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MergeDto>())!;
    }

    private static readonly IdentityDto[] NoIdentities = [];

    private static void AssertSameCustomer(CustomerDto expected, CustomerDto actual)
    {
        // Records compare lists by reference: the scalars first, then the collections item by item.
        Assert.Equal(expected with { Identities = NoIdentities, Attributes = null }, actual with { Identities = NoIdentities, Attributes = null });
        Assert.Equal(expected.Identities, actual.Identities);
        Assert.Equal(expected.Attributes!.OrderBy(p => p.Key), actual.Attributes!.OrderBy(p => p.Key));
    }
}
