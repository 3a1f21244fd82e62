using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Identity.Partners;

/// <summary>
/// The text of a partner key, <c>omni_pk_{prefix}_{secret}</c>: an 8-character prefix that finds the key's row and a
/// 43-character secret (about 256 bits), letters and digits only so the key survives URLs, headers and copy-paste.
/// </summary>
public static class PartnerKeySecret
{
    public const string Scheme = "omni_pk_";
    public const int PrefixLength = 8;
    public const int SecretLength = 43;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static (string Key, string Prefix, string SecretHash) Generate()
    {
        var prefix = RandomNumberGenerator.GetString(Alphabet, PrefixLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return ($"{Scheme}{prefix}_{secret}", prefix, Convert.ToHexStringLower(Hash(secret)));
    }

    /// <summary>Splits a key into prefix and secret; false when it is not of the form at all.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out string? prefix, [NotNullWhen(true)] out string? secret)
    {
        prefix = secret = null;
        if (key is null || key.Length != Scheme.Length + PrefixLength + 1 + SecretLength || !key.StartsWith(Scheme, StringComparison.Ordinal)) return false;
        var rest = key.AsSpan(Scheme.Length);
        if (rest[PrefixLength] != '_') return false;
        prefix = rest[..PrefixLength].ToString();
        secret = rest[(PrefixLength + 1)..].ToString();
        return true;
    }

    /// <summary>SHA-256 of the secret: a fast hash is enough for 256 random bits.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
