using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Omni.Channel.Twilio;

/// <summary>The answers Twilio's webhooks share.</summary>
internal static partial class TwilioProblems
{
    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        title: "Invalid signature",
        detail: "The X-Twilio-Signature header is missing or does not match the request.",
        statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>Deliberately the same for every number: which numbers Omni has is not said.</summary>
    public static ProblemHttpResult UnknownNumber() => TypedResults.Problem(
        title: "Unknown number",
        detail: "No channel account answers for this number.",
        statusCode: StatusCodes.Status404NotFound);

    public static ContentHttpResult TwiML(global::Twilio.TwiML.TwiML response) =>
        TypedResults.Content(response.ToString(), "text/xml", Encoding.UTF8);

    /// <summary>Twilio's error texts quote phone numbers; reasons end up in logs and events, which carry no personal data.</summary>
    public static string WithoutNumbers(string text) => PhoneNumber().Replace(text, "[number]");

    [GeneratedRegex(@"\+?\d[\d\s().-]{5,}\d")]
    private static partial Regex PhoneNumber();
}
