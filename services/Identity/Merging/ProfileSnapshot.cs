using System.Text.Json;
using Omni.Identity.Customers;

namespace Omni.Identity.Merging;

/// <summary>A customer's profile as a merge found it (stored as JSON on the merge), so that an undo puts it back exactly.</summary>
public sealed record ProfileSnapshot(string? DisplayName, string? PreferredLanguage, string? VipTier, Dictionary<string, string> Attributes)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>What is left of a snapshot once its customer was erased.</summary>
    public static string Erased { get; } = new ProfileSnapshot(null, null, null, []).ToJson();

    public static ProfileSnapshot Of(Customer customer) =>
        new(customer.DisplayName, customer.PreferredLanguage, customer.VipTier, new Dictionary<string, string>(customer.Attributes));

    public static ProfileSnapshot Parse(string json) =>
        JsonSerializer.Deserialize<ProfileSnapshot>(json, JsonOptions) ?? throw new JsonException("Empty profile snapshot.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void RestoreTo(Customer customer)
    {
        customer.DisplayName = DisplayName;
        customer.PreferredLanguage = PreferredLanguage;
        customer.VipTier = VipTier;
        customer.Attributes = new Dictionary<string, string>(Attributes);
    }
}
