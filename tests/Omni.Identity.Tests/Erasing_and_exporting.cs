using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Omni.Identity.Merging;
using Xunit;
using static Omni.Identity.Tests.TestCustomers;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Erasing_and_exporting(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task Exports_everything_identity_holds_about_a_customer_as_a_download()
    {
        var email = NewEmail();
        var mobile = NewDutchMobile();
        var customer = await fixture.NewCustomerAsync("email", email);
        var merged = await fixture.NewCustomerAsync("whatsapp", mobile);
        await fixture.SetProfileAsync(customer, "Jan Jansen", "nl", "gold", new() { ["customerNumber"] = "C-3" });
        using var http = fixture.Service.CreateClient();
        var merge = await Merging_customers.MergeAsync(http, customer, merged);

        var response = await http.GetAsync($"/api/v1/customers/{customer}/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("codeHash", text, StringComparison.OrdinalIgnoreCase);
        using var export = JsonDocument.Parse(text);
        var root = export.RootElement;
        Assert.Equal(customer, root.GetProperty("customer").GetProperty("id").GetGuid());
        Assert.Equal("Jan Jansen", root.GetProperty("customer").GetProperty("displayName").GetString());
        Assert.Equal("C-3", root.GetProperty("customer").GetProperty("attributes").GetProperty("customerNumber").GetString());
        var identities = root.GetProperty("identities").EnumerateArray().ToList();
        Assert.Contains(identities, i => i.GetProperty("address").GetString() == email && i.GetProperty("kind").GetString() == "email");
        Assert.Contains(identities, i => i.GetProperty("kind").GetString() == "whatsapp"
            && i.GetProperty("verified").GetBoolean() && i.GetProperty("verifiedMethod").GetString() == "provider");
        Assert.Equal(merged, Assert.Single(root.GetProperty("mergedCustomers").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(merge.Id, Assert.Single(root.GetProperty("merges").EnumerateArray()).GetProperty("merge").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Erasing_removes_identities_and_profile_and_the_address_then_makes_a_new_customer()
    {
        var email = NewEmail();
        var customer = await fixture.NewCustomerAsync("email", email);
        await fixture.SetProfileAsync(customer, "Jan Jansen", "nl", "gold", new() { ["city"] = "Utrecht" });
        using var http = fixture.Service.CreateClient();

        var response = await http.DeleteAsync($"/api/v1/customers/{customer}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var erased = await http.GetCustomerAsync(customer);
        Assert.Empty(erased.Identities);
        Assert.Null(erased.DisplayName);
        Assert.Null(erased.PreferredLanguage);
        Assert.Null(erased.VipTier);
        Assert.Empty(erased.Attributes!);
        Assert.Equal(1, await fixture.OutboxCountAsync("CustomerErasureRequested", "customerId", customer));
        var returning = await fixture.Grpc.ResolveCustomerAsync(new Grpc.ResolveCustomerRequest { Kind = "email", Address = email });
        Assert.True(returning.Created);
        Assert.NotEqual(customer, Guid.Parse(returning.CustomerId));
    }

    [Fact]
    public async Task Erasing_twice_is_fine_and_asks_the_other_services_once()
    {
        var customer = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();

        var first = await http.DeleteAsync($"/api/v1/customers/{customer}");
        var second = await http.DeleteAsync($"/api/v1/customers/{customer}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(1, await fixture.OutboxCountAsync("CustomerErasureRequested", "customerId", customer));
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_customer()
    {
        using var http = fixture.Service.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/v1/customers/{Guid.CreateVersion7()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/customers/{Guid.CreateVersion7()}/export")).StatusCode);
    }

    [Fact]
    public async Task An_erased_customer_cannot_be_merged()
    {
        var customer = await fixture.NewCustomerAsync("email", NewEmail());
        var other = await fixture.NewCustomerAsync("email", NewEmail());
        using var http = fixture.Service.CreateClient();
        (await http.DeleteAsync($"/api/v1/customers/{customer}")).EnsureSuccessStatusCode();

        var into = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = customer, mergedId = other, reason = "Same person" });
        var from = await http.PostAsJsonAsync("/api/v1/merges", new { survivorId = other, mergedId = customer, reason = "Same person" });

        Assert.Equal(HttpStatusCode.Conflict, into.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, from.StatusCode);
    }

    [Fact]
    public async Task Erasing_dismisses_the_open_suggestions_about_the_customer()
    {
        var mobile = NewDutchMobile();
        var customer = await fixture.NewCustomerAsync("phone", mobile);
        await fixture.NewCustomerAsync("whatsapp", mobile);
        using var http = fixture.Service.CreateClient();

        (await http.DeleteAsync($"/api/v1/customers/{customer}")).EnsureSuccessStatusCode();

        var suggestions = await http.GetFromJsonAsync<MergeSuggestionDto[]>($"/api/v1/merges/suggestions?customerId={customer}");
        Assert.Equal("dismissed", Assert.Single(suggestions!).Status);
    }

    [Fact]
    public async Task Erasing_a_survivor_erases_the_customers_merged_into_it_and_no_undo_brings_them_back()
    {
        var survivor = await fixture.NewCustomerAsync("email", NewEmail());
        var mergedEmail = NewEmail();
        var merged = await fixture.NewCustomerAsync("email", mergedEmail);
        await fixture.SetProfileAsync(merged, "Jan Jansen", null, null, new() { ["city"] = "Utrecht" });
        using var http = fixture.Service.CreateClient();
        var merge = await Merging_customers.MergeAsync(http, survivor, merged);
        var erasingMerged = await http.DeleteAsync($"/api/v1/customers/{merged}");

        (await http.DeleteAsync($"/api/v1/customers/{survivor}")).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Conflict, erasingMerged.StatusCode);
        var mergedAfter = await http.GetCustomerAsync(merged);
        Assert.Null(mergedAfter.DisplayName);
        Assert.Empty(mergedAfter.Attributes!);
        Assert.Equal(1, await fixture.OutboxCountAsync("CustomerErasureRequested", "customerId", merged));
        var undo = await http.PostAsJsonAsync($"/api/v1/merges/{merge.Id}/undo", new { reason = "Mistake" });
        Assert.Equal(HttpStatusCode.Conflict, undo.StatusCode);
        var export = await http.GetStringAsync($"/api/v1/customers/{survivor}/export");
        Assert.DoesNotContain("Jan Jansen", export);
        Assert.DoesNotContain("Utrecht", export);
        Assert.DoesNotContain(mergedEmail, export);
    }
}
