namespace Omni.Identity.Customers;

public enum IdentityKind
{
    Email,
    Phone,
    WhatsApp,
    WebVisitor,
    External,
    Social,
}

public static class IdentityKinds
{
    private static readonly Dictionary<string, IdentityKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["email"] = IdentityKind.Email,
        ["phone"] = IdentityKind.Phone,
        ["whatsapp"] = IdentityKind.WhatsApp,
        ["web-visitor"] = IdentityKind.WebVisitor,
        ["external"] = IdentityKind.External,
        ["social"] = IdentityKind.Social,
    };

    /// <summary>The names used on the wire (HTTP, gRPC, events).</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out IdentityKind kind) => ByName.TryGetValue(name?.Trim() ?? "", out kind);

    public static string ToWireName(this IdentityKind kind) => ByName.First(pair => pair.Value == kind).Key;
}
