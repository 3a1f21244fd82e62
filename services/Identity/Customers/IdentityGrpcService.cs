using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Omni.Identity.Data;
using Omni.Identity.Grpc;

namespace Omni.Identity.Customers;

/// <summary>The gRPC face of identity for other services.</summary>
public sealed class IdentityGrpcService(CustomerResolver resolver, IdentityDbContext db) : IdentityApi.IdentityApiBase
{
    public override async Task<ResolveCustomerReply> ResolveCustomer(ResolveCustomerRequest request, ServerCallContext context)
    {
        if (!IdentityKinds.TryParse(request.Kind, out var kind))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"kind: one of {string.Join(", ", IdentityKinds.Names)}"));
        }

        try
        {
            var resolution = await resolver.ResolveAsync(kind, request.Address, context.CancellationToken);
            return new ResolveCustomerReply
            {
                CustomerId = resolution.CustomerId.ToString(),
                Created = resolution.Created,
                NormalizedAddress = resolution.NormalizedAddress,
            };
        }
        catch (InvalidAddressException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"address: {ex.Message}"));
        }
    }

    public override async Task<CustomerReply> GetCustomer(GetCustomerRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.CustomerId, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "customer_id: not a UUID"));
        }

        var customer = await db.Customers.AsNoTracking().Include(c => c.Identities)
            .FirstOrDefaultAsync(c => c.Id == id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "customer not found"));

        var reply = new CustomerReply { CustomerId = customer.Id.ToString(), DisplayName = customer.DisplayName ?? "" };
        reply.Identities.AddRange(customer.Identities.Select(i => new Grpc.CustomerIdentity
        {
            Kind = i.Kind.ToWireName(),
            Address = i.Address,
            Verified = i.Verified,
        }));
        return reply;
    }
}
