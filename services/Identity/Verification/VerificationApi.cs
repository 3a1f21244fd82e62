using Microsoft.AspNetCore.Http.HttpResults;
using Omni.Authentication;

namespace Omni.Identity.Verification;

public sealed record RequestCodeRequest(string? Kind, string? Address, string? Language);

public sealed record CodeRequested(Guid VerificationId, DateTimeOffset ExpiresAt);

public sealed record ConfirmCodeRequest(string? Code);

public sealed record CodeConfirmed(Guid IdentityId, bool Linked);

public static class VerificationApi
{
    public static IEndpointRouteBuilder MapVerificationApi(this IEndpointRouteBuilder app)
    {
        var verifications = app.MapGroup("/api/v1/customers/{customerId:guid}/verifications").WithTags("Verification").RequireAuthorization(OmniPolicies.Agent);

        verifications.MapPost("/", RequestCode)
            .WithName("RequestVerificationCode")
            .WithSummary("Sends a six-digit code to an e-mail address or phone number the customer claims (through the channel service).");

        verifications.MapPost("/{verificationId:guid}/confirm", ConfirmCode)
            .WithName("ConfirmVerificationCode")
            .WithSummary("Checks the code: the address is then linked to the customer as verified. " +
                         "An address of another customer becomes a merge suggestion (409).");
        return app;
    }

    private static async Task<Results<Accepted<CodeRequested>, NotFound, ValidationProblem, ProblemHttpResult>> RequestCode(
        Guid customerId, RequestCodeRequest request, VerificationCodes codes, CancellationToken cancellationToken) =>
        await codes.RequestAsync(customerId, request.Kind, request.Address, request.Language, cancellationToken) switch
        {
            CodeOutcome.Requested r => TypedResults.Accepted((string?)null, new CodeRequested(r.VerificationId, r.ExpiresAt)),
            CodeOutcome.Invalid i => Invalid(i),
            CodeOutcome.TooMany t => TypedResults.Problem(title: "Too many codes", detail: t.Reason, statusCode: StatusCodes.Status429TooManyRequests),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<CodeConfirmed>, NotFound, ValidationProblem, ProblemHttpResult>> ConfirmCode(
        Guid customerId, Guid verificationId, ConfirmCodeRequest request, VerificationCodes codes, CancellationToken cancellationToken) =>
        await codes.ConfirmAsync(customerId, verificationId, request.Code, cancellationToken) switch
        {
            CodeOutcome.Verified v => TypedResults.Ok(new CodeConfirmed(v.IdentityId, v.Linked)),
            CodeOutcome.Invalid i => Invalid(i),
            CodeOutcome.Gone g => TypedResults.Problem(title: "Code no longer valid", detail: g.Reason, statusCode: StatusCodes.Status410Gone),
            CodeOutcome.BelongsToAnother b => TypedResults.Problem(
                title: "The address belongs to another customer",
                detail: $"An agent can merge the two customers: see merge suggestion {b.SuggestionId}.",
                statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.NotFound(),
        };

    private static ValidationProblem Invalid(CodeOutcome.Invalid invalid) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Reason] });
}
