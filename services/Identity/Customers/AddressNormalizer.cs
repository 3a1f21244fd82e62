using System.Net.Mail;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace Omni.Identity.Customers;

public sealed class IdentityOptions
{
    /// <summary>ISO 3166 region assumed for phone numbers written without a country code ("06-12345678").</summary>
    public string DefaultRegion { get; set; } = "NL";
}

/// <summary>The address could not be normalised; the message says why, without echoing the address.</summary>
public sealed class InvalidAddressException(string reason) : Exception(reason);

/// <summary>
/// Turns an address as a customer or provider wrote it into the one form identity stores, so that every spelling of
/// one address finds one customer: phone numbers become E.164, e-mail addresses are trimmed and lower-cased.
/// </summary>
public sealed class AddressNormalizer(IOptions<IdentityOptions> options)
{
    private const int MaxLength = 320;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public string Normalize(IdentityKind kind, string? address)
    {
        var trimmed = address?.Trim() ?? "";
        if (trimmed.Length == 0) throw new InvalidAddressException("The address is empty.");
        if (trimmed.Length > MaxLength) throw new InvalidAddressException($"The address is longer than {MaxLength} characters.");

        return kind switch
        {
            IdentityKind.Email => NormalizeEmail(trimmed),
            IdentityKind.Phone or IdentityKind.WhatsApp => NormalizePhone(trimmed),
            IdentityKind.Social => trimmed.ToLowerInvariant(),
            // Visitor tokens and partners' user ids are opaque and case-sensitive.
            _ => trimmed,
        };
    }

    private static string NormalizeEmail(string address)
    {
        // "Jan Jansen <Jan@Example.nl>" as mail headers write it counts as the address inside the brackets.
        if (!MailAddress.TryCreate(address, out var parsed) || parsed.Host.Length == 0 || parsed.User.Length == 0 || parsed.Address.Contains(' '))
        {
            throw new InvalidAddressException("The e-mail address is not of the form name@domain.");
        }
        // Local parts are case-sensitive in theory and never in practice; lower-casing is what customers expect.
        return parsed.Address.ToLowerInvariant();
    }

    private string NormalizePhone(string address)
    {
        var digits = address.StartsWith("00", StringComparison.Ordinal) ? "+" + address[2..] : address;
        PhoneNumber number;
        try
        {
            number = Phones.Parse(digits, options.Value.DefaultRegion);
        }
        catch (NumberParseException)
        {
            throw new InvalidAddressException("The phone number could not be read.");
        }
        if (!Phones.IsValidNumber(number)) throw new InvalidAddressException("The phone number is not a valid number.");
        return Phones.Format(number, PhoneNumberFormat.E164);
    }
}
