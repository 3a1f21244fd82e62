using Omni.Channel.Accounts;
using Twilio.Security;

namespace Omni.Channel.Twilio;

/// <summary>What checking a Twilio webhook came to.</summary>
public abstract record TwilioWebhook
{
    /// <summary>Signed by the account that owns the number the webhook is about.</summary>
    public sealed record Authentic(ChannelAccount Account, IReadOnlyDictionary<string, string> Form) : TwilioWebhook;

    /// <summary>Signed with one of Omni's Twilio secrets, but no (enabled) account has the number: a 404.</summary>
    public sealed record UnknownNumber(IReadOnlyDictionary<string, string> Form) : TwilioWebhook;

    /// <summary>No signature, or one no secret of the number's account (or of any account) produces: a 401.</summary>
    public sealed record Forged : TwilioWebhook;

    /// <summary>The form as Twilio posted it (form-encoded again from the parameters it sent), to keep with the message.</summary>
    public static Omni.Channel.Messages.InboundRaw Raw(IReadOnlyDictionary<string, string> form) => new("application/x-www-form-urlencoded",
        System.Text.Encoding.UTF8.GetBytes(string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)))));

    /// <summary>The parameter, trimmed, or null when absent or blank.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>
/// Checks <c>X-Twilio-Signature</c> with the Twilio library's <see cref="RequestValidator"/> (constant-time comparison)
/// over the public URL Twilio called and the form it posted. The secret is the number's account's auth token, or, when
/// Twilio signs with a webhook SharedKey (<c>X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=…</c>), that key's
/// secret from the account's secrets (<c>sharedKey:{keyId}</c>, or <c>sharedKeySecret</c>).
/// An unknown number answers 404 only to a caller holding one of Omni's Twilio secrets; everyone else gets the same
/// 401 whether the number exists or not, so the answers reveal no accounts.
/// </summary>
public sealed class TwilioWebhookCheck(AccountDirectory accounts, PublicAddress publicAddress, ILogger<TwilioWebhookCheck> logger)
{
    public const string SignatureHeader = "X-Twilio-Signature";
    private const int MaxAccountsTried = 200;
    private static readonly string[] TwilioKinds = [AccountKinds.Sms, AccountKinds.Voice];

    /// <param name="kinds">The account kinds the webhook may belong to, preferred first. Messages on a channel always
    /// carry an account of that channel's kind, so replies find it; status reports serve texts sent from either.</param>
    /// <param name="ourNumber">Picks the Twilio number (ours) out of the form.</param>
    public async Task<TwilioWebhook> CheckAsync(HttpRequest request, string[] kinds, Func<IReadOnlyDictionary<string, string>, string?> ourNumber,
        CancellationToken cancellationToken)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrWhiteSpace(signature)) return new TwilioWebhook.Forged();

        IReadOnlyDictionary<string, string> form = request.HasFormContentType
            ? (await request.ReadFormAsync(cancellationToken)).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>();
        var url = publicAddress.UrlOf(request);
        var settings = request.Headers[RequestValidator.SignatureSettingsHeader].ToString();

        var number = AccountAddress.Normalize(AccountKinds.Sms, StripPrefix(ourNumber(form)), out _);
        if (number is not null)
        {
            var candidates = await accounts.FindAsync(kinds, number, cancellationToken);
            var account = candidates.OrderBy(a => Array.IndexOf(kinds, a.Kind)).FirstOrDefault();
            if (account is not null)
            {
                if (Signed(account, url, form, signature, settings)) return new TwilioWebhook.Authentic(account, form);
                logger.LogWarning("Twilio webhook for account {AccountId} refused: the signature does not match", account.Id);
                return new TwilioWebhook.Forged();
            }
        }

        // No account for the number (or no number): only a holder of one of our secrets may learn that.
        var others = await accounts.AllAsync(TwilioKinds, MaxAccountsTried, cancellationToken);
        if (others.Any(a => Signed(a, url, form, signature, settings))) return new TwilioWebhook.UnknownNumber(form);
        logger.LogWarning("Twilio webhook refused: no account's secret produces its signature");
        return new TwilioWebhook.Forged();
    }

    private static bool Signed(ChannelAccount account, string url, IReadOnlyDictionary<string, string> form, string signature, string settings)
    {
        string? secret;
        string algorithm;
        if (string.IsNullOrWhiteSpace(settings))
        {
            secret = account.Secret("authToken");
            algorithm = RequestValidator.HmacSha1;
        }
        else
        {
            var keyId = settings.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("key=", StringComparison.Ordinal))?[4..];
            secret = (keyId is { Length: > 0 } ? account.Secret($"sharedKey:{keyId}") : null)
                     ?? (account.Setting("sharedKeyId") is not { } configuredKey || configuredKey == keyId ? account.Secret("sharedKeySecret") : null);
            algorithm = RequestValidator.GetSignatureAlgorithm(settings);
        }
        if (string.IsNullOrEmpty(secret)) return false;
        try
        {
            return new RequestValidator(secret).Validate(url, form.ToDictionary(), signature, algorithm);
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    /// <summary>Twilio names WhatsApp senders "whatsapp:+31…"; the number is what identifies the account.</summary>
    private static string? StripPrefix(string? address) =>
        address is not null && address.IndexOf(':') is var colon and > 0 ? address[(colon + 1)..] : address;
}
