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

        var reply = new CustomerReply
        {
            CustomerId = customer.Id.ToString(),
            DisplayName = customer.DisplayName ?? "",
            PreferredLanguage = customer.PreferredLanguage ?? "",
        };
        reply.Identities.AddRange(customer.Identities.Select(i => new Grpc.CustomerIdentity
        {
            Kind = i.Kind.ToWireName(),
            Address = i.Address,
            Verified = i.Verified,
        }));
        return reply;
    }

    // Partner keys live in Partners/; their checker is resolved per call so this class's constructor stays as it is.
    public override async Task<CheckPartnerKeyReply> CheckPartnerKey(CheckPartnerKeyRequest request, ServerCallContext context)
    {
        var checker = context.GetHttpContext().RequestServices.GetRequiredService<Partners.PartnerKeyChecker>();
        var check = await checker.CheckAsync(request.Key, context.CancellationToken);
        if (!check.Valid) return new CheckPartnerKeyReply { Valid = false };
        var reply = new CheckPartnerKeyReply { Valid = true, KeyId = check.KeyId.ToString(), Partner = check.Partner };
        reply.Scopes.AddRange(check.Scopes ?? []);
        return reply;
    }

    public override async Task<VerifyWebUserReply> VerifyWebUser(VerifyWebUserRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Site)) throw new RpcException(new Status(StatusCode.InvalidArgument, "site: required"));
        if (string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > 200) throw new RpcException(new Status(StatusCode.InvalidArgument, "user_id: 1-200 characters"));
        Guid? visitor = null;
        if (request.VisitorCustomerId.Length > 0)
        {
            if (!Guid.TryParse(request.VisitorCustomerId, out var parsed)) throw new RpcException(new Status(StatusCode.InvalidArgument, "visitor_customer_id: not a UUID"));
            visitor = parsed;
        }

        var verification = context.GetHttpContext().RequestServices.GetRequiredService<Verification.WebsiteVerification>();
        return await verification.VerifyAsync(request.Site.Trim().ToLowerInvariant(), request.UserId.Trim(), request.Hash ?? "", visitor, context.CancellationToken) switch
        {
            Verification.WebVerification.Verified v => new VerifyWebUserReply { Verified = true, CustomerId = v.CustomerId.ToString() },
            Verification.WebVerification.NotVerified n => new VerifyWebUserReply { Verified = false, CustomerId = n.CustomerId?.ToString() ?? "" },
            _ => throw new RpcException(new Status(StatusCode.NotFound, "site: unknown")),
        };
    }

    public override async Task<ListAgentsReply> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.CreatedAt)
            .Select(a => new { a.Id, a.Name, a.Roles, Disabled = a.DisabledAt != null })
            .ToListAsync(context.CancellationToken);
        var reply = new ListAgentsReply();
        reply.Agents.AddRange(agents.Select(a =>
        {
            var account = new AgentAccount { AgentId = a.Id.ToString(), Name = a.Name, Disabled = a.Disabled };
            account.Roles.AddRange(a.Roles);
            return account;
        }));
        return reply;
    }
}
