using Grpc.Core;
using Microsoft.Extensions.Options;
using Omni.Identity.Grpc;

namespace Omni.Channel.WebChat;

/// <summary>Identity's answers about visitors. Identity being away never stops a chat: the answer is then "not known".</summary>
public sealed class VisitorCustomers(IdentityApi.IdentityApiClient identity, IOptions<WebChatOptions> options, ILogger<VisitorCustomers> logger)
{
    /// <summary>The customer of the <c>web-visitor</c> identity (created when new); null when identity cannot say now.</summary>
    public async Task<Guid?> ResolveAsync(string visitorId, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await identity.ResolveCustomerAsync(
                new ResolveCustomerRequest { Kind = VisitorToken.IdentityKind, Address = visitorId },
                deadline: Deadline(), cancellationToken: cancellationToken);
            return Guid.Parse(reply.CustomerId);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not resolve a web visitor through identity ({Status}); chatting without a customer for now", ex.StatusCode);
            return null;
        }
    }

    /// <summary>Checks a website's proof of its logged-in user; verified, the conversation continues as that user's customer.</summary>
    public async Task<(bool Verified, Guid? CustomerId)> VerifyAsync(string site, string userId, string hash, Guid visitorCustomerId, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await identity.VerifyWebUserAsync(
                new VerifyWebUserRequest { Site = site, UserId = userId, Hash = hash, VisitorCustomerId = visitorCustomerId.ToString() },
                deadline: Deadline(), cancellationToken: cancellationToken);
            return (reply.Verified, Guid.TryParse(reply.CustomerId, out var customerId) ? customerId : visitorCustomerId);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // The site has no verification secret in identity: logins cannot be vouched for there.
            logger.LogWarning("A login proof came for site {Site}, which has no verification secret in identity", site);
            return (false, visitorCustomerId);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not check a web login proof through identity ({Status}); the visitor stays anonymous for now", ex.StatusCode);
            return (false, visitorCustomerId);
        }
    }

    private DateTime Deadline() => DateTime.UtcNow.Add(options.Value.IdentityTimeout);
}
