using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Omni.Channel.Accounts;
using Omni.Channel.Messages;
using static Omni.Channel.Twilio.TwilioWebhook;

namespace Omni.Channel.Twilio;

/// <summary>
/// Twilio Voice: an incoming call is greeted in the caller's language with what Omni knows of their conversation and
/// an offer to be called back (press 1); the call's start and end, and a call-back request, become events in the
/// customer's conversation through the one inbound path (channel <c>voice</c>, deduplicated by <c>{CallSid}:…</c>).
/// </summary>
public static partial class TwilioVoiceWebhooks
{
    public const string GatherPath = "/webhooks/twilio/voice/gather";

    internal static RouteGroupBuilder MapTwilioVoice(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/voice", IncomingCall)
            .WithName("TwilioIncomingCall")
            .WithSummary("Twilio's Voice webhook: answers TwiML that greets the caller (nl or en), says what is known of their " +
                         "conversation and offers a call-back (press 1). Records the call's start.");
        twilio.MapPost("/voice/gather", Gathered)
            .WithName("TwilioVoiceGather")
            .WithSummary("Where the greeting's Gather posts the caller's key: 1 stores a call-back request in the customer's conversation.");
        twilio.MapPost("/voice/status", CallStatus)
            .WithName("TwilioCallStatus")
            .WithSummary("Twilio's call status callback: the call's end (duration, recording) becomes a conversation event; progress " +
                         "reports (queued, ringing, in-progress) and calls from withheld numbers are acknowledged and change nothing.");
        return twilio;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> IncomingCall(
        HttpRequest request, TwilioWebhookCheck check, InboundMessages inbound, CallerLookup callers, PublicAddress publicAddress,
        CancellationToken cancellationToken)
    {
        var webhook = await check.CheckAsync(request, [AccountKinds.Voice], OurNumber, cancellationToken);
        if (Refused(webhook, out var form, out var account, requireStatus: false) is { } refusal) return refusal;

        var callSid = Get(form, "CallSid")!;
        if (CustomerNumber(form) is not { } caller)
        {
            // A withheld number: no one to attach the call to or to call back (identity would make one "customer" of every
            // anonymous caller). Greeted in the language of the number they called, without the call-back offer.
            return TwilioProblems.TwiML(VoiceScript.Greeting(new Caller(CallerLookup.LanguageOf(account.Address), null, null), gatherUrl: null));
        }
        var status = Get(form, "CallStatus") ?? "ringing";
        var reachable = E164().IsMatch(caller);

        // Identity and routing are asked while the call's start is stored; neither may hold the caller up for long.
        var lookup = reachable ? callers.LookUpAsync(caller, cancellationToken) : Task.FromResult(new Caller(CallerLookup.LanguageOf(caller), null, null));
        await inbound.AcceptAsync(CallEvent(account, caller, $"{callSid}:{status}", "Call started", new()
        {
            ["event"] = "call-started",
            ["callSid"] = callSid,
            ["callStatus"] = status,
        }), cancellationToken);
        var known = await lookup;

        var gatherUrl = reachable ? new Uri($"{publicAddress.BaseFor(request)}{GatherPath}?lang={known.Language}") : null;
        return TwilioProblems.TwiML(VoiceScript.Greeting(known, gatherUrl));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> Gathered(
        HttpRequest request, TwilioWebhookCheck check, InboundMessages inbound, CancellationToken cancellationToken)
    {
        var webhook = await check.CheckAsync(request, [AccountKinds.Voice], OurNumber, cancellationToken);
        if (Refused(webhook, out var form, out var account, requireStatus: false) is { } refusal) return refusal;

        var caller = CustomerNumber(form);
        var language = request.Query["lang"].ToString() is ("nl" or "en") and var chosen ? chosen : CallerLookup.LanguageOf(caller ?? account.Address);
        // Any other key, none, or no number to call back on: goodbye, nothing stored.
        if (Get(form, "Digits") != "1" || caller is null || !E164().IsMatch(caller)) return TwilioProblems.TwiML(VoiceScript.Goodbye(language));

        var callSid = Get(form, "CallSid")!;
        // A routable item in the customer's conversation, like any message; a second press in the same call is the same request.
        await inbound.AcceptAsync(CallEvent(account, caller, $"{callSid}:callback-request", "Call-back requested", new()
        {
            ["kind"] = "callback-request",
            ["callSid"] = callSid,
            ["language"] = language,
            ["callBackNumber"] = caller,
        }), cancellationToken);
        return TwilioProblems.TwiML(VoiceScript.CallBackConfirmed(language));
    }

    private static async Task<Results<Ok, ProblemHttpResult, ValidationProblem>> CallStatus(
        HttpRequest request, TwilioWebhookCheck check, InboundMessages inbound, CancellationToken cancellationToken)
    {
        var webhook = await check.CheckAsync(request, [AccountKinds.Voice], OurNumber, cancellationToken);
        if (Refused(webhook, out var form, out var account, requireStatus: true) is { } refusal)
        {
            return refusal.Result switch
            {
                ProblemHttpResult problem => problem,
                ValidationProblem invalid => invalid,
                _ => throw new InvalidOperationException(),
            };
        }

        var callSid = Get(form, "CallSid")!;
        var status = Get(form, "CallStatus")!.ToLowerInvariant();
        // queued, initiated, ringing, in-progress: the call's start was recorded when Twilio asked how to answer it.
        if (status is not ("completed" or "busy" or "no-answer" or "failed" or "canceled")) return TypedResults.Ok();
        // A withheld number: the call was not recorded, and its end has no one to belong to either.
        if (CustomerNumber(form) is not { } caller) return TypedResults.Ok();

        var metadata = new Dictionary<string, string>
        {
            ["event"] = "call-ended",
            ["callSid"] = callSid,
            ["callStatus"] = status,
        };
        var duration = Get(form, "CallDuration") is { } seconds && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (int?)null;
        if (duration is { } d) metadata["duration"] = d.ToString(CultureInfo.InvariantCulture);
        if (Get(form, "RecordingUrl") is { Length: <= 1000 } recording && Uri.TryCreate(recording, UriKind.Absolute, out _)) metadata["recording"] = recording;
        if (Get(form, "RecordingDuration") is { } recordingDuration) metadata["recordingDuration"] = recordingDuration;
        var text = status == "completed"
            ? $"Call ended{(duration is { } length ? $" after {Describe(length)}" : "")}"
            : $"Call ended without a conversation ({status})";
        await inbound.AcceptAsync(CallEvent(account, caller, $"{callSid}:{status}", text, metadata), cancellationToken);
        return TypedResults.Ok();
    }

    /// <summary>Null when the webhook may go on; otherwise the answer: 401, 400 (naming the field) or 404.</summary>
    private static Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>? Refused(
        TwilioWebhook webhook, out IReadOnlyDictionary<string, string> form, out ChannelAccount account, bool requireStatus)
    {
        (form, account) = (new Dictionary<string, string>(), null!);
        if (webhook is Forged) return TwilioProblems.Unauthorized();
        form = webhook switch { Authentic a => a.Form, UnknownNumber u => u.Form, _ => throw new InvalidOperationException() };

        var errors = new Dictionary<string, string[]>();
        if (Get(form, "CallSid") is not { Length: <= 100 }) errors["CallSid"] = ["Required: Twilio's id of the call (at most 100 characters)."];
        // From may be empty: a caller who withholds their number (see CustomerNumber).
        if (Get(form, "From") is { Length: > 320 }) errors["From"] = ["At most 320 characters."];
        if (Get(form, "To") is not { Length: <= 320 }) errors["To"] = ["Required: the called number."];
        if (requireStatus && Get(form, "CallStatus") is not { Length: <= 32 }) errors["CallStatus"] = ["Required: the call's status."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (webhook is not Authentic authentic) return TwilioProblems.UnknownNumber();
        account = authentic.Account;
        return null;
    }

    private static InboundMessage CallEvent(ChannelAccount account, string caller, string externalId, string text, Dictionary<string, string> metadata) =>
        new(AccountKinds.Voice, "phone", caller, text, externalId) { AccountId = account.Id, Metadata = metadata };

    /// <summary>Calls Omni makes (outbound-api, outbound-dial) come from our number; the rest come to it.</summary>
    private static bool Outgoing(IReadOnlyDictionary<string, string> form) =>
        Get(form, "Direction")?.StartsWith("outbound", StringComparison.OrdinalIgnoreCase) == true;

    private static string? OurNumber(IReadOnlyDictionary<string, string> form) => Outgoing(form) ? Get(form, "From") : Get(form, "To");

    /// <summary>The customer's number; null when they withheld it.</summary>
    private static string? CustomerNumber(IReadOnlyDictionary<string, string> form) =>
        (Outgoing(form) ? Get(form, "To") : Get(form, "From")) is { } number && !WithheldNumbers.Contains(number) ? number : null;

    /// <summary>
    /// What Twilio puts in From for a caller who withholds their number: a word, or the number that spells it on a keypad
    /// (+266696687 ANONYMOUS, +7378742833 RESTRICTED, +2562533 BLOCKED, +8656696 UNKNOWN, +86282452253 UNAVAILABLE). Those
    /// look like numbers, and must not become one customer of every anonymous caller, nor be offered a call-back.
    /// </summary>
    private static readonly HashSet<string> WithheldNumbers = new(StringComparer.OrdinalIgnoreCase)
    {
        "anonymous", "restricted", "blocked", "unknown", "unavailable", "private", "withheld",
        "+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253",
    };

    private static string Describe(int seconds) => seconds < 60
        ? $"{seconds} s"
        : $"{seconds / 60} min {seconds % 60} s";

    /// <summary>A number Omni can call back; Twilio sends "anonymous", "client:…" or "sip:…" otherwise.</summary>
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
