using Grpc.Core;
using Microsoft.Extensions.Options;
using Omni.Identity.Grpc;
using Omni.Routing.Grpc;

namespace Omni.Channel.Twilio;

/// <summary>What Omni knows about a caller in time to greet them: their language and where their conversation stands.</summary>
public sealed record Caller(string Language, Guid? CustomerId, ConversationStatusReply? Conversation);

/// <summary>
/// Finds out who is calling while the caller waits for the first words: identity resolves the number to a customer,
/// identity's profile gives their preferred language, routing says whether their conversation is open. All share one short deadline
/// (<see cref="TwilioOptions.VoiceLookupTimeout"/>); when it passes, or either answers with an error, the caller gets
/// the generic greeting instead of silence.
/// </summary>
public sealed class CallerLookup(
    IdentityApi.IdentityApiClient identity,
    RoutingApi.RoutingApiClient routing,
    IOptions<TwilioOptions> options,
    ILogger<CallerLookup> logger)
{
    public async Task<Caller> LookUpAsync(string callerNumber, CancellationToken cancellationToken)
    {
        var language = LanguageOf(callerNumber);
        var deadline = DateTime.UtcNow.Add(options.Value.VoiceLookupTimeout);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.VoiceLookupTimeout);

        Guid? customerId = null;
        try
        {
            var resolved = await identity.ResolveCustomerAsync(new ResolveCustomerRequest { Kind = "phone", Address = callerNumber },
                deadline: deadline, cancellationToken: timeout.Token);
            customerId = Guid.Parse(resolved.CustomerId);
            // The customer's own language choice and their conversation, asked side by side within the same deadline.
            var profile = identity.GetCustomerAsync(new GetCustomerRequest { CustomerId = resolved.CustomerId },
                deadline: deadline, cancellationToken: timeout.Token).ResponseAsync;
            var status = routing.GetConversationStatusAsync(new GetConversationStatusRequest { CustomerId = resolved.CustomerId },
                deadline: deadline, cancellationToken: timeout.Token).ResponseAsync;
            try
            {
                var preferred = (await profile).PreferredLanguage;
                if (preferred is "nl" or "en") language = preferred;
            }
            catch (RpcException)
            {
                // Keep the language the number suggests.
            }
            return new Caller(language, customerId, await status);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return new Caller(language, customerId, null);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // Greeting without it beats keeping the caller in silence.
            logger.LogInformation("Caller lookup gave up ({Reason}); greeting generically", ex is RpcException rpc ? rpc.StatusCode.ToString() : ex.GetType().Name);
            return new Caller(language, customerId, null);
        }
    }

    /// <summary>Dutch for Dutch and Belgian numbers, English for the rest: the guess when the customer has not chosen.</summary>
    public static string LanguageOf(string number) =>
        number.StartsWith("+31", StringComparison.Ordinal) || number.StartsWith("+32", StringComparison.Ordinal) ? "nl" : "en";
}
