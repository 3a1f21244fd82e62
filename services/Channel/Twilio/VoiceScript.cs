using Omni.Routing.Grpc;
using Twilio.TwiML;
using Twilio.TwiML.Voice;
using TwilioHttpMethod = Twilio.Http.HttpMethod;

namespace Omni.Channel.Twilio;

/// <summary>What a caller hears, in Dutch or English, as TwiML built with the Twilio library.</summary>
public static class VoiceScript
{
    private sealed record Words(
        string Welcome,
        string ConversationOpen,
        string QuestionOpen,
        Func<int, string> Position,
        Func<int, string> Wait,
        Func<string, string> Agent,
        string OfferCallBack,
        string NoNumber,
        string NoChoice,
        string CallBackConfirmed,
        string Goodbye,
        Say.LanguageEnum Language,
        Say.VoiceEnum Voice);

    private static readonly Words Dutch = new(
        Welcome: "Welkom, en bedankt voor uw telefoontje.",
        ConversationOpen: "Uw vraag staat bij ons open, en een van onze medewerkers helpt u zo snel mogelijk verder.",
        QuestionOpen: "Uw vraag staat bij ons open.",
        Position: position => $"U bent nummer {position} in de wachtrij.",
        Wait: seconds => seconds < 60
            ? "De verwachte wachttijd is minder dan een minuut."
            : $"De verwachte wachttijd is ongeveer {Minutes(seconds)} {(Minutes(seconds) == 1 ? "minuut" : "minuten")}.",
        Agent: name => $"{name} helpt u verder.",
        OfferCallBack: "Wilt u dat wij u terugbellen? Toets dan 1.",
        NoNumber: "We zien uw telefoonnummer niet, dus we kunnen u niet terugbellen. U kunt ons ook een bericht sturen via sms of chat.",
        NoChoice: "We hebben geen keuze ontvangen. U kunt ons ook een bericht sturen via sms of chat. Tot ziens.",
        CallBackConfirmed: "Dank u wel. We bellen u zo snel mogelijk terug op dit nummer. Tot ziens.",
        Goodbye: "U kunt ons ook een bericht sturen via sms of chat. Tot ziens.",
        Language: Say.LanguageEnum.NlNl,
        Voice: Say.VoiceEnum.PollyLotte);

    private static readonly Words English = new(
        Welcome: "Welcome, and thank you for calling.",
        ConversationOpen: "Your question is open with us, and one of our team will help you as soon as possible.",
        QuestionOpen: "Your question is open with us.",
        Position: position => $"You are number {position} in the queue.",
        Wait: seconds => seconds < 60
            ? "The expected wait is less than a minute."
            : $"The expected wait is about {Minutes(seconds)} {(Minutes(seconds) == 1 ? "minute" : "minutes")}.",
        Agent: name => $"{name} is helping you.",
        OfferCallBack: "If you would like us to call you back, press 1.",
        NoNumber: "We cannot see your phone number, so we cannot call you back. You can also send us a text message or chat with us.",
        NoChoice: "We did not receive a choice. You can also send us a text message or chat with us. Goodbye.",
        CallBackConfirmed: "Thank you. We will call you back on this number as soon as possible. Goodbye.",
        Goodbye: "You can also send us a text message or chat with us. Goodbye.",
        Language: Say.LanguageEnum.EnGb,
        Voice: Say.VoiceEnum.PollyAmy);

    private static Words In(string language) => language == "nl" ? Dutch : English;

    /// <summary>
    /// The greeting: welcome, what is known of the caller's conversation — while it is queued, their position and the
    /// estimated wait as routing gives them (never made up: an unknown wait is not mentioned); once assigned, the agent's
    /// first name — and the call-back offer as a one-digit Gather that posts to <paramref name="gatherUrl"/>.
    /// </summary>
    public static VoiceResponse Greeting(Caller caller, Uri? gatherUrl)
    {
        var words = In(caller.Language);
        var spoken = words.Welcome;
        if (caller.Conversation is { } conversation && IsOpen(conversation)) spoken += " " + Standing(conversation, words);

        var response = new VoiceResponse();
        if (gatherUrl is null)
        {
            // No number to call back: say so rather than offer what cannot be done.
            response.Say(spoken + " " + words.NoNumber, words.Voice, language: words.Language);
            response.Hangup();
            return response;
        }
        var gather = new Gather(numDigits: 1, action: gatherUrl, method: TwilioHttpMethod.Post, timeout: 6);
        gather.Say(spoken + " " + words.OfferCallBack, words.Voice, language: words.Language);
        response.Append(gather);
        // Reached only when the caller pressed nothing.
        response.Say(words.NoChoice, words.Voice, language: words.Language);
        response.Hangup();
        return response;
    }

    /// <summary>Routing's states of a conversation that is still going (anything but resolved or closed).</summary>
    private static bool IsOpen(ConversationStatusReply conversation) =>
        conversation.State is { Length: > 0 } state && state is not ("resolved" or "closed");

    private static string Standing(ConversationStatusReply conversation, Words words)
    {
        if (conversation.State == "assigned" && conversation.AgentFirstName is { Length: > 0 } agent)
        {
            return words.QuestionOpen + " " + words.Agent(agent);
        }
        if (conversation.Position <= 0) return words.ConversationOpen;
        var spoken = words.QuestionOpen + " " + words.Position(conversation.Position);
        return conversation.EstimatedWaitSeconds > 0 ? spoken + " " + words.Wait(conversation.EstimatedWaitSeconds) : spoken;
    }

    private static int Minutes(int seconds) => Math.Max(1, (int)Math.Round(seconds / 60.0, MidpointRounding.AwayFromZero));

    public static VoiceResponse CallBackConfirmed(string language) => Closing(In(language).CallBackConfirmed, language);

    public static VoiceResponse Goodbye(string language) => Closing(In(language).Goodbye, language);

    private static VoiceResponse Closing(string text, string language)
    {
        var words = In(language);
        var response = new VoiceResponse();
        response.Say(text, words.Voice, language: words.Language);
        response.Hangup();
        return response;
    }
}
