using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Channel.WebChat;

/// <summary>
/// A visitor's token: 32 random bytes, base64url, kept by the widget in the browser's storage. It is a bearer secret, so
/// Omni stores only its SHA-256 (the <see cref="VisitorId"/>): that is the <c>web-visitor</c> address in identity and
/// the sender address in the transcript, and an agent who reads either cannot chat as the visitor.
/// </summary>
public static class VisitorToken
{
    public const string IdentityKind = "web-visitor";

    private const int MinLength = 43; // 32 bytes in base64url
    private const int MaxLength = 128;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool IsWellFormed(string? token) =>
        token is { Length: >= MinLength and <= MaxLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The visitor's stored name: base64url SHA-256 of the token.</summary>
    public static string VisitorId(string token) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
