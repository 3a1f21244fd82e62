using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Twilio.Security;

namespace Omni.Benchmarks.CodePaths;

/// <summary>
/// Checking <c>X-Twilio-Signature</c> runs for every Twilio webhook before anything is stored: the library's
/// <see cref="RequestValidator"/> over the public URL and a typical Messaging webhook's form. Baseline: one bare
/// HMAC-SHA1 over the same bytes, so the ratio says what the library adds (sorting, URL variants, constant-time compare).
/// </summary>
[MemoryDiagnoser]
public class TwilioSignatureBenchmarks
{
    private const string Url = "https://support.omni.example/webhooks/twilio/sms";
    private const string AuthToken = "0123456789abcdef0123456789abcdef";
    private readonly Dictionary<string, string> _form = new()
    {
        ["ToCountry"] = "NL", ["SmsMessageSid"] = "SM0123456789abcdef0123456789abcdef", ["NumMedia"] = "0",
        ["SmsSid"] = "SM0123456789abcdef0123456789abcdef", ["SmsStatus"] = "received", ["Body"] = "Waar blijft mijn bestelling?",
        ["To"] = "+3197010000001", ["NumSegments"] = "1", ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef", ["From"] = "+31612345678", ["FromCountry"] = "NL", ["ApiVersion"] = "2010-04-01",
    };
    private readonly RequestValidator _validator = new(AuthToken);
    private byte[] _signed = [];
    private string _signature = "";

    [GlobalSetup]
    public void Sign()
    {
        var data = new StringBuilder(Url);
        foreach (var (name, value) in _form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        _signed = Encoding.UTF8.GetBytes(data.ToString());
        _signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), _signed));
        if (!_validator.Validate(Url, _form, _signature)) throw new InvalidOperationException("The signature does not check out");
    }

    [Benchmark(Baseline = true)]
    public byte[] BareHmacSha1() => HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), _signed);

    [Benchmark]
    public bool RequestValidatorValidate() => new RequestValidator(AuthToken).Validate(Url, _form, _signature);
}
