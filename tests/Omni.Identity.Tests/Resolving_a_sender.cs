using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Omni.Identity.Customers;
using Omni.Identity.Grpc;
using Xunit;

namespace Omni.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class Resolving_a_sender(IdentityServiceFixture fixture)
{
    private static string NewDutchMobile() => "06" + Random.Shared.Next(10_000_000, 60_000_000);   // 06-1… to 06-5…: valid Dutch mobiles

    [Fact]
    public async Task Creates_a_customer_for_an_unknown_address_and_finds_them_again()
    {
        var mobile = NewDutchMobile();
        var first = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = mobile });
        var again = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = mobile });

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.CustomerId, again.CustomerId);
    }

    [Fact]
    public async Task Knows_one_number_however_it_is_written()
    {
        var local = NewDutchMobile();                       // 0612345678
        var international = "+31 " + local[1..];             // +31 612345678
        var withZeros = "0031" + local[1..];                 // 0031612345678

        var a = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = local });
        var b = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = international });
        var c = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = withZeros });

        Assert.Equal(a.CustomerId, b.CustomerId);
        Assert.Equal(a.CustomerId, c.CustomerId);
        Assert.Equal("+31" + local[1..], a.NormalizedAddress);
    }

    [Fact]
    public async Task Makes_one_customer_when_first_contacts_race()
    {
        var email = $"Race.{Guid.NewGuid():N}@Example.NL";
        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "email", Address = i % 2 == 0 ? email : "  " + email.ToLowerInvariant() }).ResponseAsync));

        Assert.Single(replies.Select(r => r.CustomerId).Distinct());
        Assert.Single(replies, r => r.Created);
    }

    [Theory]
    [InlineData("phone", "not a number", "address")]
    [InlineData("email", "no-at-sign.example.nl", "address")]
    [InlineData("fax", "0201234567", "kind")]
    public async Task Refuses_an_address_it_cannot_read(string kind, string address, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = kind, Address = address }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
    }

    [Fact]
    public async Task Finds_the_customer_over_http_by_any_spelling()
    {
        var local = NewDutchMobile();
        var resolved = await fixture.Grpc.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "whatsapp", Address = local });
        using var http = fixture.Service.CreateClient();

        var found = await http.GetFromJsonAsync<CustomerDto[]>($"/api/v1/customers?kind=whatsapp&address={Uri.EscapeDataString("+31 " + local[1..])}");

        var customer = Assert.Single(found!);
        Assert.Equal(Guid.Parse(resolved.CustomerId), customer.Id);
        Assert.Equal("+31" + local[1..], Assert.Single(customer.Identities).Address);
    }

    [Fact]
    public async Task Answers_400_naming_the_field_for_an_unreadable_address()
    {
        using var http = fixture.Service.CreateClient();

        var response = await http.GetAsync("/api/v1/customers?kind=phone&address=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"address\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Answers_404_for_an_unknown_customer()
    {
        using var http = fixture.Service.CreateClient();

        var response = await http.GetAsync($"/api/v1/customers/{Guid.CreateVersion7()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
